import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRecords, encodeRecord, EventStoreBehindError, IngestLog, type IngestLogOptions } from './ingest-log';
import { DataDirBusyError } from '../stores/data-lock';
import type { EventRow } from './row';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'overture-ingest-log-'));
  dirs.push(dir);
  return dir;
}

let seq = 0;
const rowsOf = (n: number, text = 'x') => Array.from({ length: n }, () => ({ workspace_id: 'ws', message_id: `m${++seq}`, properties: JSON.stringify({ text }) }) as unknown as EventRow);
const ids = (rows: EventRow[]) => rows.map((r) => r.message_id);
const segments = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
const logged = (dir: string) => segments(dir).flatMap((n) => decodeRecords(readFileSync(join(dir, n))).flat());

/** A store the test settles by hand: each call waits for `next()` to say how it ends. */
function heldStore() {
  const calls: Array<{ rows: EventRow[]; settle: (err?: Error) => void }> = [];
  const store = (rows: EventRow[]) => new Promise<void>((resolve, reject) => calls.push({ rows, settle: (err) => (err ? reject(err) : resolve()) }));
  return { calls, store };
}

const open = (options: Partial<IngestLogOptions> & Pick<IngestLogOptions, 'dir' | 'store'>) => IngestLog.open({ retryDelayMs: () => 1, closeTimeoutMs: 200, ...options });
const settled = async (p: Promise<unknown>) => Promise.race([p.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), 30))]);

describe('ingest log', () => {
  it('acknowledges once the rows are on disk, before the store has them, and deletes its segments once stored and closed', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store });
    const rows = rowsOf(3);
    await log.write(rows);
    expect(ids(logged(dir))).toEqual(ids(rows));
    expect(held.calls.map((c) => ids(c.rows))).toEqual([ids(rows)]);
    expect(log.unstoredBytes).toBeGreaterThan(0);
    held.calls[0]!.settle();
    await log.drain();
    expect(log.unstoredBytes).toBe(0);
    await log.close();
    expect(segments(dir)).toEqual([]);
    await expect(log.write(rowsOf(1))).rejects.toThrow(/closed/);
  });

  it('shares one append between requests of the same turn', async () => {
    const dir = logDir();
    const stored: string[][] = [];
    const log = await open({ dir, store: async (rows) => void stored.push(ids(rows)) });
    const [a, b] = [rowsOf(2), rowsOf(1)];
    await Promise.all([log.write(a), log.write(b)]);
    expect(stored).toEqual([[...ids(a), ...ids(b)]]);
    await log.close();
  });

  it('stores what a dead process left, whole records only, before taking writes; then deletes it', async () => {
    const dir = logDir();
    const [first, second, torn] = [rowsOf(2), rowsOf(2), rowsOf(2)];
    const cut = encodeRecord(torn);
    writeFileSync(join(dir, '000000000007.log'), Buffer.concat([encodeRecord(first), encodeRecord(second), cut.subarray(0, cut.length - 3)]));
    const damaged = encodeRecord(rowsOf(1));
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 0xff, damaged.length - 1); // a checksum that no longer matches ends the segment as well
    const after = rowsOf(1);
    writeFileSync(join(dir, '000000000008.log'), Buffer.concat([damaged, encodeRecord(after)]));
    const stored: string[] = [];
    const log = await open({ dir, store: async (rows) => void stored.push(...ids(rows)) });
    expect(stored).toEqual([...ids(first), ...ids(second)]);
    // New segments continue the numbering: nothing left is ever overwritten or read twice.
    expect(segments(dir)).toEqual(['000000000009.log']);
    await log.close();
  });

  it('keeps rows the store never took for the next open, which stores them', async () => {
    const dir = logDir();
    const log = await open({ dir, store: () => Promise.reject(new Error('store down')) });
    const rows = rowsOf(4);
    await log.write(rows); // acknowledged: it is on disk
    expect(log.storeFailing).toBe(true);
    await log.close(); // gives up after closeTimeoutMs, leaving the segment
    expect(ids(logged(dir))).toEqual(ids(rows));
    const stored: string[] = [];
    const reopened = await open({ dir, store: async (r) => void stored.push(...ids(r)) });
    expect(stored).toEqual(ids(rows));
    await reopened.close();
    expect(segments(dir)).toEqual([]);
  });

  it('retries a failed store until it succeeds, telling each failure', async () => {
    const dir = logDir();
    let attempts = 0;
    const failures: string[] = [];
    const log = await open({
      dir,
      store: async () => {
        if (++attempts < 3) throw new Error(`attempt ${attempts}`);
      },
      onStoreError: (err) => failures.push(err.message),
    });
    await log.write(rowsOf(1));
    await log.drain();
    expect(attempts).toBe(3);
    expect(failures).toEqual(['attempt 1', 'attempt 2']);
    expect(log.storeFailing).toBe(false);
    await log.close();
  });

  it('past its bound answers only once the store has the rows, and refuses while the store fails', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store, maxUnstoredBytes: 1 });
    const waiting = log.write(rowsOf(1));
    expect(await settled(waiting)).toBe('pending');
    held.calls[0]!.settle();
    expect(await settled(waiting)).toBe('resolved');

    const refused = log.write(rowsOf(1));
    await new Promise((r) => setTimeout(r, 10));
    held.calls[1]!.settle(new Error('store down'));
    await expect(refused).rejects.toBeInstanceOf(EventStoreBehindError);
    // The refused rows are still logged and go in with the retry.
    await new Promise((r) => setTimeout(r, 10));
    held.calls[2]!.settle();
    await log.drain();
    expect(log.unstoredBytes).toBe(0);
    await log.close();
  });

  it('moves to a new segment when one is full and deletes full segments once stored', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store, segmentBytes: 1 });
    await log.write(rowsOf(1));
    await log.write(rowsOf(1));
    expect(segments(dir)).toHaveLength(3); // two full, one taking writes
    held.calls[1]!.settle();
    await new Promise((r) => setTimeout(r, 10));
    expect(segments(dir)).toHaveLength(2);
    held.calls[0]!.settle();
    await log.drain();
    expect(segments(dir)).toHaveLength(1);
    await log.close();
    expect(segments(dir)).toEqual([]);
  });

  it('is opened by one process at a time', async () => {
    const dir = logDir();
    const log = await open({ dir, store: async () => undefined });
    // The lock names a live process (this one); a second holder is refused.
    writeFileSync(join(dir, 'overture.lock'), JSON.stringify({ pid: process.ppid, holder: 'another' }));
    await expect(open({ dir, store: async () => undefined })).rejects.toBeInstanceOf(DataDirBusyError);
    await log.close();
  });
});
