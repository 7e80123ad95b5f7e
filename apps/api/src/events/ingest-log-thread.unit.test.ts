import { afterEach, describe, expect, it } from 'vitest';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogThread } from './ingest-log-thread';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the ingest log's thread", () => {
  it('writes each record at its position, including a slice of a larger buffer, and reports a failed write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overture-log-thread-'));
    dirs.push(dir);
    const path = join(dir, 'segment');
    const fd = openSync(path, 'w');
    const thread = new LogThread();
    try {
      const first = Buffer.from(`hello ${'x'.repeat(8192)}`).subarray(0, 6); // large enough to own its memory
      const whole = Buffer.from(`hello ${'x'.repeat(8192)}`);
      await thread.append(fd, whole.subarray(0, whole.length), 0);
      expect(whole.length).toBe(8198); // what the thread was given is left as it was
      await thread.append(fd, first, 0);
      const shared = Buffer.from('..world..');
      await thread.append(fd, shared.subarray(2, 7), 6);
      expect(readFileSync(path, 'utf8').slice(0, 11)).toBe('hello world');
      const readOnly = openSync(path, 'r');
      await expect(thread.append(readOnly, Buffer.from('x'), 0)).rejects.toMatchObject({ code: 'EBADF' });
      closeSync(readOnly);
      // The thread lives on after a failed write.
      await thread.append(fd, Buffer.from('!'), 11);
      expect(readFileSync(path, 'utf8').slice(0, 12)).toBe('hello world!');
    } finally {
      await thread.close();
      closeSync(fd);
    }
  });
});
