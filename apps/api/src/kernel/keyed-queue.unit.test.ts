import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './keyed-queue';

describe('KeyedQueue', () => {
  it('runs the tasks of one key one after another, whatever the earlier one did, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let releaseFirst!: () => void;
    const first = queue.run('ws1', () => new Promise<void>((r) => (releaseFirst = () => (log.push('ws1:first'), r()))));
    const failing = queue.run('ws1', async () => {
      log.push('ws1:second');
      throw new Error('boom');
    });
    const third = queue.run('ws1', async () => void log.push('ws1:third'));
    await queue.run('ws2', async () => void log.push('ws2'));
    expect(log).toEqual(['ws2']);
    releaseFirst();
    await first;
    await expect(failing).rejects.toThrow('boom');
    await third;
    expect(log).toEqual(['ws2', 'ws1:first', 'ws1:second', 'ws1:third']);
  });
});
