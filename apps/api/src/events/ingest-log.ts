import { open, readdir, readFile, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { EventRow } from './row';
import { lockDataDir } from '../stores/data-lock';

/**
 * Acknowledgement from a local write-ahead log: a request's rows are appended to a segment file and
 * flushed to disk (fdatasync) before the request is answered, then stored in the event store behind
 * it. Concurrent requests share one append and one flush. A segment is deleted once every record in it
 * is stored and it is no longer written; on opening, segments left by a process that died are stored
 * first (the store drops rows it already holds, by messageId). Rows logged but not yet stored are
 * bounded: past the bound a request is answered only once its rows are stored, as without the log.
 */
export interface IngestLogOptions {
  dir: string;
  /** Stores rows durably (dropping those already stored); throws if they were not stored. */
  store: (rows: EventRow[]) => Promise<void>;
  /** Told of each failed store; the rows stay logged and are tried again. */
  onStoreError?: (err: Error, rows: number) => void;
  /** A segment takes new records until it holds this many bytes. */
  segmentBytes?: number;
  /** Bytes of records logged but not yet stored past which acknowledgements wait for the store. */
  maxUnstoredBytes?: number;
  /** Wait before the n-th retry of a failed store. */
  retryDelayMs?: (attempt: number) => number;
  /** How long `close` waits for stores still running or retrying before leaving them to the next open. */
  closeTimeoutMs?: number;
}

/** The store is failing and the rows it has not taken already fill the log's bound. */
export class EventStoreBehindError extends Error {}

interface Segment {
  seq: number;
  path: string;
  handle: FileHandle | null;
  bytes: number;
  /** Records of this segment not yet stored. */
  unstored: number;
}

interface Waiter {
  rows: EventRow[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const headerBytes = 8;
const segmentPattern = /^(\d{12})\.log$/;
const segmentName = (seq: number) => `${String(seq).padStart(12, '0')}.log`;

export function encodeRecord(rows: EventRow[]): Buffer {
  const payload = Buffer.from(JSON.stringify(rows));
  const header = Buffer.alloc(headerBytes);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/**
 * The records of a segment, in order. A record cut short or not matching its checksum ends the
 * segment: it is a write the process died in, which was never acknowledged.
 */
export function decodeRecords(data: Buffer): EventRow[][] {
  const records: EventRow[][] = [];
  let at = 0;
  while (at + headerBytes <= data.length) {
    const length = data.readUInt32LE(at);
    const end = at + headerBytes + length;
    if (end > data.length) break;
    const payload = data.subarray(at + headerBytes, end);
    if (crc32(payload) !== data.readUInt32LE(at + 4)) break;
    records.push(JSON.parse(payload.toString()) as EventRow[]);
    at = end;
  }
  return records;
}

export class IngestLog {
  #pending: Waiter[] = [];
  #scheduled = false;
  #appending = false;
  #active!: Segment;
  #unstoredBytes = 0;
  #storeFailing = false;
  #closing = false;
  #abandoned = false;
  readonly #stores = new Set<Promise<void>>();
  readonly #segmentBytes: number;
  readonly #maxUnstoredBytes: number;
  readonly #retryDelayMs: (attempt: number) => number;

  private constructor(
    private readonly options: IngestLogOptions,
    private readonly release: () => void,
  ) {
    this.#segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.#maxUnstoredBytes = options.maxUnstoredBytes ?? 32 * 1024 * 1024;
    this.#retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(10_000, 250 * 2 ** attempt));
  }

  /** Opens the log in `dir` (one process at a time), storing what a previous process left in it first. */
  static async open(options: IngestLogOptions): Promise<IngestLog> {
    await mkdir(options.dir, { recursive: true });
    const release = lockDataDir(options.dir, `the ingest log of process ${process.pid}`);
    try {
      const log = new IngestLog(options, release);
      const last = await log.#replay();
      log.#active = await log.#createSegment(last + 1);
      return log;
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Resolves once the rows are on disk (or, past the bound, stored). */
  write(rows: EventRow[]): Promise<void> {
    if (this.#closing) return Promise.reject(new Error('the ingest log is closed'));
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ rows, resolve, reject });
      this.#schedule();
    });
  }

  /** Bytes of logged records the store has not taken yet. */
  get unstoredBytes(): number {
    return this.#unstoredBytes;
  }

  /** Resolves when everything written so far is stored. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#appending || this.#scheduled || this.#stores.size > 0) {
      await Promise.race([Promise.all(this.#stores), new Promise((r) => setTimeout(r, 5))]);
    }
  }

  /**
   * Stops taking writes, waits for the store to take what is logged and deletes the segments. Rows the
   * store has not taken within the timeout stay in their segments for the next open.
   */
  async close(): Promise<void> {
    this.#closing = true;
    const timeout = this.options.closeTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.drain().then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeout))),
    ]);
    clearTimeout(timer);
    this.#abandoned = !drained;
    await this.#active.handle?.close();
    this.#active.handle = null;
    if (drained) await this.#remove(this.#active);
    this.release();
  }

  #schedule(): void {
    if (this.#scheduled || this.#appending || this.#pending.length === 0) return;
    this.#scheduled = true;
    // Requests parsed in the same turn of the event loop share this append and its flush.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#append();
    });
  }

  async #append(): Promise<void> {
    const waiters = this.#pending;
    this.#pending = [];
    this.#appending = true;
    try {
      const rows = waiters.length === 1 ? waiters[0]!.rows : waiters.flatMap((w) => w.rows);
      const record = encodeRecord(rows);
      const segment = this.#active;
      await segment.handle!.write(record);
      await segment.handle!.datasync();
      segment.bytes += record.length;
      const first = this.#storeBehind(segment, rows, record.length);
      if (this.#unstoredBytes <= this.#maxUnstoredBytes) {
        for (const w of waiters) w.resolve();
      } else {
        // Past the bound the store sets the pace; a failing store refuses rather than letting the log grow.
        first.then(
          () => waiters.forEach((w) => w.resolve()),
          () => waiters.forEach((w) => w.reject(new EventStoreBehindError('the event store is failing and its backlog is full'))),
        );
      }
      if (segment.bytes >= this.#segmentBytes) await this.#rotate();
    } catch (err) {
      for (const w of waiters) w.reject(err);
      // A failed append may have left part of a record: later records go to a new segment, so a
      // replay, which stops at the damaged record, still reads them.
      await this.#rotate().catch(() => undefined);
    } finally {
      this.#appending = false;
      this.#schedule();
    }
  }

  /** Stores the rows behind the acknowledgement, retrying until they are stored; returns the first attempt. */
  #storeBehind(segment: Segment, rows: EventRow[], bytes: number): Promise<void> {
    segment.unstored++;
    this.#unstoredBytes += bytes;
    const first = this.options.store(rows);
    const stored = first
      .catch(async (err: unknown) => {
        for (let attempt = 1; ; attempt++) {
          this.#storeFailing = true;
          this.options.onStoreError?.(err as Error, rows.length);
          // Unreferenced: a store that keeps failing must not hold a stopping process open.
          await new Promise((r) => setTimeout(r, this.#retryDelayMs(attempt)).unref());
          if (this.#abandoned) throw err;
          try {
            return await this.options.store(rows);
          } catch (next) {
            err = next;
          }
        }
      })
      .then(async () => {
        this.#storeFailing = false;
        segment.unstored--;
        this.#unstoredBytes -= bytes;
        if (segment !== this.#active && segment.unstored === 0) await this.#remove(segment);
      })
      .catch(() => undefined)
      .finally(() => this.#stores.delete(stored));
    this.#stores.add(stored);
    return first;
  }

  get storeFailing(): boolean {
    return this.#storeFailing;
  }

  async #rotate(): Promise<void> {
    const old = this.#active;
    this.#active = await this.#createSegment(old.seq + 1);
    await old.handle?.close();
    old.handle = null;
    if (old.unstored === 0) await this.#remove(old);
  }

  async #createSegment(seq: number): Promise<Segment> {
    const path = join(this.options.dir, segmentName(seq));
    const handle = await open(path, 'wx');
    // The new file's directory entry must survive a crash as its records do.
    const dir = await open(this.options.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return { seq, path, handle, bytes: 0, unstored: 0 };
  }

  async #remove(segment: Segment): Promise<void> {
    await rm(segment.path, { force: true });
  }

  /** Stores the records of segments left behind, oldest first, and deletes them; returns the last sequence seen. */
  async #replay(): Promise<number> {
    const names = (await readdir(this.options.dir)).filter((n) => segmentPattern.test(n)).sort();
    let last = 0;
    for (const name of names) {
      last = Number(segmentPattern.exec(name)![1]);
      const path = join(this.options.dir, name);
      const records = decodeRecords(await readFile(path));
      let batch: EventRow[] = [];
      for (const rows of records) {
        batch.push(...rows);
        if (batch.length >= 20_000) {
          await this.options.store(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await this.options.store(batch);
      await rm(path, { force: true });
    }
    return last;
  }
}
