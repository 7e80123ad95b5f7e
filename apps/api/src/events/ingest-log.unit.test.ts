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
const logged = (dir: string) => segments(dir).flatMap((n) => decodeRecords(readFileSync(join(dir, n))).records.flat());

/** A store the test settles by hand: each call waits for `next()` to say how it ends. */
function heldStore() {
  const calls: Array<{ rows: EventRow[]; settle: (err?: Error) => void }> = [];
  const store = (rows: EventRow[]) => new Promise<void>((resolve, reject) => calls.push({ rows, settle: (err) => (err ? reject(err) : resolve()) }));
  return { calls, store };
}

const open = (options: Partial<IngestLogOptions> & Pick<IngestLogOptions, 'dir' | 'store'>) => IngestLog.open({ retryDelayMs: () => 1, closeTimeoutMs: 200, ...options });
async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
}
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

  it('keeps every record of any size at its own place, and counts each in the backlog', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store });
    const records = [rowsOf(40, 'x'.repeat(200)), rowsOf(40, 'y'.repeat(200)), rowsOf(1)];
    for (const rows of records) await log.write(rows);
    expect(ids(logged(dir))).toEqual(records.flatMap(ids));
    expect(log.unstoredBytes).toBe(records.reduce((sum, rows) => sum + encodeRecord(rows).length, 0));
    held.calls.forEach((c) => c.settle());
    await log.close();
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
    // New segments continue the numbering: nothing left is ever overwritten or read twice. What could
    // not be read is kept beside, named so that it is never read again.
    expect(segments(dir)).toEqual(['000000000009.log']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.unread')).sort()).toEqual(['000000000007.log.unread', '000000000008.log.unread']);
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
    expect(failures).toEqual(['attempt 2']); // each failed retry is told; the first attempt's failure starts the retries
    expect(log.storeFailing).toBe(false);
    await log.close();
  });

  it('stores answered rows through storeBehind, and what waits (a replay, a retry) through store', async () => {
    const dir = logDir();
    const left = rowsOf(2);
    writeFileSync(join(dir, '000000000001.log'), encodeRecord(left));
    const calls: string[] = [];
    let failBehind = true;
    const log = await open({
      dir,
      store: async (rows) => void calls.push(`store ${ids(rows).join(',')}`),
      storeBehind: async (rows) => {
        calls.push(`behind ${ids(rows).join(',')}`);
        if (failBehind) throw new Error('store down');
      },
    });
    const [answered, next] = [rowsOf(1), rowsOf(1)];
    await log.write(answered);
    await log.drain();
    failBehind = false;
    await log.write(next);
    await log.drain();
    expect(calls).toEqual([`store ${ids(left).join(',')}`, `behind ${ids(answered)}`, `store ${ids(answered)}`, `behind ${ids(next)}`]);
    await log.close();
  });

  it('past its bound logs nothing more: answers once the store has the rows, and refuses at once while the store fails', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store, maxUnstoredBytes: 1 });
    const first = rowsOf(1);
    await log.write(first); // logged: the backlog was empty
    const waiting = log.write(rowsOf(1));
    expect(await settled(waiting)).toBe('pending');
    expect(ids(logged(dir))).toEqual(ids(first)); // not logged: the backlog is past the bound
    held.calls[1]!.settle();
    expect(await settled(waiting)).toBe('resolved');

    held.calls[0]!.settle(new Error('store down')); // the logged record now waits for its retry
    await until(() => held.calls.length === 3);
    expect(ids(held.calls[2]!.rows)).toEqual(ids(first));
    expect(log.storeFailing).toBe(true);
    await expect(log.write(rowsOf(1))).rejects.toBeInstanceOf(EventStoreBehindError);
    expect(held.calls).toHaveLength(3); // refused without a store or a log write
    expect(ids(logged(dir))).toEqual(ids(first));
    held.calls[2]!.settle();
    await log.drain();
    expect([log.unstoredBytes, log.storeFailing]).toEqual([0, false]);
    await log.close();
  });

  it('moves to a new segment when one is full and deletes full segments once stored', async () => {
    const dir = logDir();
    const held = heldStore();
    const log = await open({ dir, store: held.store, segmentBytes: 1 });
    await log.write(rowsOf(1));
    await log.write(rowsOf(1));
    expect(segments(dir)).toHaveLength(2); // a full one, and the one taking writes
    held.calls[1]!.settle();
    await new Promise((r) => setTimeout(r, 10));
    expect(segments(dir)).toHaveLength(2); // the full one still holds an unstored record
    held.calls[0]!.settle();
    await log.drain();
    expect(segments(dir)).toHaveLength(1);
    await log.close();
    expect(segments(dir)).toEqual([]);
  });

  it('stops at a zero-filled tail without failing, and replays a record of any size', async () => {
    const dir = logDir();
    // Far more rows than a call's arguments can hold: a replay that spread them into one call would throw.
    const big = Array.from({ length: 300_000 }, (_, i) => ({ message_id: `b${i}` }) as unknown as EventRow);
    writeFileSync(join(dir, '000000000001.log'), Buffer.concat([encodeRecord(big), Buffer.alloc(4096)]));
    let stored = 0;
    const log = await open({ dir, store: async (rows) => void (stored += rows.length) });
    expect(stored).toBe(300_000);
    await log.close();
  });

  it('stores what a log left without opening it for writes', async () => {
    const dir = logDir();
    const rows = rowsOf(3);
    writeFileSync(join(dir, '000000000004.log'), encodeRecord(rows));
    const stored: string[] = [];
    await IngestLog.storeLeftovers({ dir, store: async (r) => void stored.push(...ids(r)) });
    expect(stored).toEqual(ids(rows));
    expect(readdirSync(dir)).toEqual([]);
    await IngestLog.storeLeftovers({ dir: join(dir, 'never-made'), store: async () => expect.fail('nothing to store') });
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
