import { describe, expect, it } from 'vitest';
import { GroupCommitWriter } from './group-commit';
import { normalizeEvent, type EventRow } from '../ingest/normalize';

const row = (id: string, ws = 'w'): EventRow => normalizeEvent({ type: 'track', event: 'E', userId: 'u', messageId: id }, { workspaceId: ws, receivedAt: Date.now() });

describe('group commit', () => {
  it('shares one insert between requests that arrive while another insert is in flight', async () => {
    const inserts: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = new GroupCommitWriter({
      maxConcurrent: 1,
      insert: async (rows) => {
        inserts.push(rows.length);
        if (inserts.length === 1) await gate;
      },
    });
    const first = writer.write([row('a')]);
    await new Promise((r) => setImmediate(r));
    const rest = Array.from({ length: 10 }, (_, i) => writer.write([row(`b${i}`), row(`c${i}`)]));
    release();
    await Promise.all([first, ...rest]);
    expect(inserts).toEqual([1, 20]);
  });

  it('rejects every waiter of a failed insert, and stores nothing twice after a retry', async () => {
    const stored: string[] = [];
    let fail = true;
    const writer = new GroupCommitWriter({
      insert: async (rows) => {
        if (fail) throw new Error('store down');
        stored.push(...rows.map((r) => r.message_id));
      },
    });
    await expect(writer.write([row('x'), row('y')])).rejects.toThrow('store down');
    fail = false;
    await writer.write([row('x'), row('y')]);
    await writer.write([row('x')]); // a retry of something already stored
    expect(stored).toEqual(['x', 'y']);
  });

  it('keeps equal message ids of different workspaces apart', async () => {
    const stored: string[] = [];
    const writer = new GroupCommitWriter({ insert: async (rows) => void stored.push(...rows.map((r) => `${r.workspace_id}/${r.message_id}`)) });
    await writer.write([row('m', 'w1'), row('m', 'w2'), row('m', 'w1')]);
    expect(stored.sort()).toEqual(['w1/m', 'w2/m']);
  });

  it('does not write a copy of an id whose insert is still running, whoever it names', async () => {
    const stored: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = new GroupCommitWriter({
      maxConcurrent: 2,
      insert: async (rows) => {
        if (stored.length === 0) {
          stored.push(...rows.map((r) => r.distinct_id));
          await gate;
        } else stored.push(...rows.map((r) => r.distinct_id));
      },
    });
    const first = writer.write([normalizeEvent({ type: 'track', event: 'E', userId: 'ann', messageId: 'same' }, { workspaceId: 'w', receivedAt: Date.now() })]);
    await new Promise((r) => setImmediate(r));
    const second = writer.write([normalizeEvent({ type: 'track', event: 'E', userId: 'bob', messageId: 'same' }, { workspaceId: 'w', receivedAt: Date.now() })]);
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([first, second]);
    expect(stored).toEqual(['ann']);
  });

  it('answers the writer of a copy only with the outcome of the insert that holds the original', async () => {
    let release!: (err?: Error) => void;
    const gate = new Promise<void>((resolve, reject) => (release = (err) => (err ? reject(err) : resolve())));
    let calls = 0;
    const writer = new GroupCommitWriter({
      maxConcurrent: 2,
      insert: async () => {
        if (++calls === 1) await gate;
      },
    });
    const original = writer.write([row('dup'), row('other')]);
    await new Promise((r) => setImmediate(r));
    const copy = writer.write([row('dup')]);
    const copyOutcome = copy.then(() => 'stored', (err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 10));
    expect(await Promise.race([copyOutcome, Promise.resolve('waiting')])).toBe('waiting');
    release(new Error('store down'));
    await expect(original).rejects.toThrow('store down');
    expect(await copyOutcome).toBe('store down');
  });

  it('hands on only the rows the store says it stored', async () => {
    const handed: string[] = [];
    const writer = new GroupCommitWriter({
      insert: async (rows) => rows.filter((r) => r.message_id !== 'old'),
      afterCommit: (rows) => void handed.push(...rows.map((r) => r.message_id)),
    });
    await writer.write([row('old'), row('new')]);
    await writer.drain();
    await new Promise((r) => setImmediate(r));
    expect(handed).toEqual(['new']);
  });

  it('starts inserts of paced writes at most every insertEveryMs while they keep coming, and at once after a quiet spell', async () => {
    let now = 0;
    const timers: Array<{ ms: number; run: () => void }> = [];
    const inserts: string[][] = [];
    const writer = new GroupCommitWriter({
      insertEveryMs: 250,
      clock: { now: () => now, after: (ms, run) => void timers.push({ ms, run }) },
      insert: async (rows) => void inserts.push(rows.map((r) => r.message_id)),
    });
    const paced = { paced: true };
    await writer.write([row('a')], paced);
    expect(inserts).toEqual([['a']]);
    now = 100;
    const gathered = [writer.write([row('b')], paced), writer.write([row('c')], paced)];
    await new Promise((r) => setImmediate(r));
    expect(inserts).toHaveLength(1);
    expect(timers.map((t) => t.ms)).toEqual([150]);
    now = 250;
    timers[0]!.run();
    await Promise.all(gathered);
    expect(inserts).toEqual([['a'], ['b', 'c']]);
    now = 1_000;
    await writer.write([row('d')], paced);
    expect(inserts.at(-1)).toEqual(['d']);
    expect(timers).toHaveLength(1);
  });

  it('starts at once when a write that is not paced joins paced rows waiting for their turn', async () => {
    let now = 0;
    const timers: Array<() => void> = [];
    const inserts: string[][] = [];
    const writer = new GroupCommitWriter({
      insertEveryMs: 250,
      clock: { now: () => now, after: (_ms, run) => void timers.push(run) },
      insert: async (rows) => void inserts.push(rows.map((r) => r.message_id)),
    });
    await writer.write([row('a')], { paced: true });
    now = 10;
    const paced = writer.write([row('b')], { paced: true });
    await new Promise((r) => setImmediate(r));
    expect(timers).toHaveLength(1);
    await writer.write([row('c')]);
    await paced;
    expect(inserts).toEqual([['a'], ['b', 'c']]);
    // The superseded timer starts nothing when it fires.
    timers[0]!();
    await new Promise((r) => setImmediate(r));
    expect(inserts).toHaveLength(2);
  });
});
