import { open, readdir, readFile, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventRow } from './row';
import { lockDataDir } from '../stores/data-lock';
import { decodeRecords, encodeRecord } from './ingest-log-records';
import { LogThread } from './ingest-log-thread';

export { decodeRecords, encodeRecord } from './ingest-log-records';

/**
 * Acknowledgement from a local write-ahead log: a request's rows are appended to a segment file and
 * flushed to disk (fdatasync) before the request is answered, then stored in the event store behind
 * it. Concurrent requests share one append and one flush. A segment is deleted once every record in
 * it is stored and it no longer takes writes; on opening, segments left by a process that died are
 * stored first (the store drops rows it already holds, by messageId).
 *
 * Logged rows the store has not taken are bounded: past the bound the log takes no more, and a request
 * is answered once the store has its rows (as without the log), or refused while the store is failing.
 */
export interface IngestLogOptions {
  dir: string;
  /** Stores rows durably (dropping those already stored); throws if they were not stored. */
  store: (rows: EventRow[]) => Promise<void>;
  /** The same for rows already answered, which nobody waits on (it may take its time); `store` when absent. */
  storeBehind?: (rows: EventRow[]) => Promise<void>;
  /** Told of each failed retry of the oldest unstored record; the rows stay logged. */
  onStoreError?: (err: Error, rows: number) => void;
  /** Told of a segment whose end could not be read (a write the process died in, or damage); kept beside it. */
  onUnreadTail?: (file: string, bytes: number) => void;
  /** A segment takes new records until it holds this many bytes. */
  segmentBytes?: number;
  /** Bytes of records logged but not yet stored past which the log takes no more. */
  maxUnstoredBytes?: number;
  /** Wait before the n-th retry of a failed store. */
  retryDelayMs?: (attempt: number) => number;
  /** How long `close` waits for the store before leaving what is logged to the next open. */
  closeTimeoutMs?: number;
}

/** The store is failing and the rows it has not taken already fill the log's bound. */
export class EventStoreBehindError extends Error {}

interface Segment {
  path: string;
  handle: FileHandle | null;
  bytes: number;
  /** Records of this segment not yet stored. */
  unstored: number;
}

interface LoggedRecord {
  segment: Segment;
  rows: EventRow[];
  bytes: number;
}

interface Waiter {
  rows: EventRow[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

const segmentPattern = /^(\d{12})\.log$/;
/** Segments and what could not be read of them: numbers already used, never given out again. */
const usedPattern = /^(\d{12})\.log(\.unread)?$/;
const segmentName = (seq: number) => `${String(seq).padStart(12, '0')}.log`;
const replayRows = 20_000;

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
}

/** The segment files among a directory's names, oldest first. */
const segmentsAmong = (names: string[]) => names.filter((n) => segmentPattern.test(n)).sort();

/**
 * Stores the records of every segment in `dir`, oldest first, and deletes each once stored; an end
 * that cannot be read is kept beside its segment as `<name>.unread`. Returns the highest sequence seen.
 */
async function storeSegments(dir: string, options: Pick<IngestLogOptions, 'store' | 'onUnreadTail'>): Promise<number> {
  const all = await names(dir);
  const last = Math.max(0, ...all.map((n) => Number(usedPattern.exec(n)?.[1] ?? 0)));
  for (const name of segmentsAmong(all)) {
    const path = join(dir, name);
    const data = await readFile(path);
    const { records, end } = decodeRecords(data);
    let batch: EventRow[] = [];
    for (const rows of records) {
      for (const row of rows) {
        batch.push(row);
        if (batch.length >= replayRows) {
          await options.store(batch);
          batch = [];
        }
      }
    }
    if (batch.length > 0) await options.store(batch);
    if (end < data.length) {
      await rename(path, `${path}.unread`);
      options.onUnreadTail?.(`${path}.unread`, data.length - end);
    } else {
      await rm(path, { force: true });
    }
  }
  return last;
}

export class IngestLog {
  #pending: Waiter[] = [];
  #scheduled = false;
  #appending = false;
  /** The segment taking appends; null after a failed append until a new one is created. */
  #active: Segment | null = null;
  #nextSeq: number;
  #unstoredBytes = 0;
  /** Records whose store failed, retried oldest first by one loop. */
  readonly #failed: LoggedRecord[] = [];
  #retrying: Promise<void> | null = null;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #thread = new LogThread();
  #closing = false;
  #closed = false;
  readonly #segmentBytes: number;
  readonly #maxUnstoredBytes: number;
  readonly #retryDelayMs: (attempt: number) => number;

  private constructor(
    private readonly options: IngestLogOptions,
    private readonly release: () => void,
    lastSeq: number,
  ) {
    this.#nextSeq = lastSeq + 1;
    this.#segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.#maxUnstoredBytes = options.maxUnstoredBytes ?? 32 * 1024 * 1024;
    this.#retryDelayMs = options.retryDelayMs ?? ((attempt) => Math.min(10_000, 250 * 2 ** attempt));
  }

  /** Opens the log in `dir` (one process at a time), storing what a previous process left in it first. */
  static async open(options: IngestLogOptions): Promise<IngestLog> {
    await mkdir(options.dir, { recursive: true });
    const release = lockDataDir(options.dir, `the ingest log of process ${process.pid}`);
    try {
      const log = new IngestLog(options, release, await storeSegments(options.dir, options));
      log.#active = await log.#createSegment();
      return log;
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Stores what a log in `dir` still holds without opening it for writes: a process that answers once
   * events are stored must not leave behind what an earlier one, answering from the log, acknowledged.
   */
  static async storeLeftovers(options: Pick<IngestLogOptions, 'dir' | 'store' | 'onUnreadTail'>): Promise<void> {
    if (segmentsAmong(await names(options.dir)).length === 0) return;
    const release = lockDataDir(options.dir, `the ingest log of process ${process.pid}`);
    try {
      await storeSegments(options.dir, options);
    } finally {
      release();
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

  /** Whether stores of logged records are failing (they are being retried). */
  get storeFailing(): boolean {
    return this.#failed.length > 0;
  }

  /** Resolves when everything written so far is stored (or the log was closed without it). */
  async drain(): Promise<void> {
    while (!this.#closed && (this.#pending.length > 0 || this.#appending || this.#scheduled || this.#inFlight.size > 0 || this.#retrying || this.#failed.length > 0)) {
      await Promise.race([Promise.all([...this.#inFlight, this.#retrying]), new Promise((r) => setTimeout(r, 5))]);
    }
  }

  /**
   * Stops taking writes, waits for the store to take what is logged and deletes the segments. Rows the
   * store has not taken within the timeout stay in their segments for the next open.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.drain().catch(() => undefined),
      new Promise<void>((r) => (timer = setTimeout(r, this.options.closeTimeoutMs ?? 30_000))),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    try {
      // The thread stops before any segment's file is closed: it never writes to a reused descriptor.
      await this.#thread.close();
      const active = this.#active;
      this.#active = null;
      if (active) await this.#retire(active);
    } finally {
      this.release();
    }
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
    const rows = waiters.length === 1 ? waiters[0]!.rows : waiters.flatMap((w) => w.rows);
    try {
      if (this.#closed) throw new Error('the ingest log is closed');
      if (this.#unstoredBytes > this.#maxUnstoredBytes) {
        this.#bypass(rows, waiters);
        return;
      }
      const segment = await this.#writableSegment();
      const record = encodeRecord(rows);
      await this.#write(segment, record);
      this.#storeBehind({ segment, rows, bytes: record.length });
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
    } finally {
      this.#appending = false;
      this.#schedule();
    }
  }

  /** Past the bound: answered once stored, without the log; refused at once while the store is failing. */
  #bypass(rows: EventRow[], waiters: Waiter[]): void {
    const behind = () => new EventStoreBehindError('the event store is failing and its backlog is full');
    if (this.#failed.length > 0) {
      for (const w of waiters) w.reject(behind());
      return;
    }
    const stored = this.options.store(rows).then(
      () => waiters.forEach((w) => w.resolve()),
      () => waiters.forEach((w) => w.reject(behind())),
    );
    this.#track(stored);
  }

  /** Appends the whole record at the segment's end and flushes it (on the log's own thread); a failed append leaves no part of it behind. */
  async #write(segment: Segment, record: Buffer): Promise<void> {
    try {
      await this.#thread.append(segment.handle!.fd, record, segment.bytes);
      segment.bytes += record.length;
    } catch (err) {
      // Whatever the failed append left is cut off; the segment takes no more records either way,
      // so a replay (which stops at a damaged record) still reaches every later one in a new segment.
      // When closing stopped the thread, closing retires the segment.
      if (!this.#closed) {
        if (this.#active === segment) this.#active = null;
        await segment.handle?.truncate(segment.bytes).catch(() => undefined);
        await this.#retire(segment);
      }
      throw err;
    }
  }

  #storeBehind(record: LoggedRecord): void {
    record.segment.unstored++;
    this.#unstoredBytes += record.bytes;
    const attempt = (this.options.storeBehind ?? this.options.store)(record.rows).then(
      () => this.#stored(record),
      () => {
        this.#failed.push(record);
        this.#startRetries();
      },
    );
    this.#track(attempt);
  }

  #startRetries(): void {
    if (this.#retrying) return;
    this.#retrying = this.#retryFailed()
      .catch(() => undefined)
      .finally(() => {
        this.#retrying = null;
        // A store that failed while the loop was ending has a loop again.
        if (this.#failed.length > 0 && !this.#closed) this.#startRetries();
      });
  }

  #track(p: Promise<void>): void {
    const tracked = p.catch(() => undefined).finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }

  async #stored(record: LoggedRecord): Promise<void> {
    const { segment } = record;
    segment.unstored--;
    this.#unstoredBytes -= record.bytes;
    await this.#removeIfDone(segment);
  }

  /** Deletes a segment that takes no more writes once all of it is stored. */
  async #removeIfDone(segment: Segment): Promise<void> {
    // A segment left behind is stored again at the next open, which drops what is already stored.
    if (segment.unstored === 0 && segment.handle === null) await rm(segment.path, { force: true }).catch(() => undefined);
  }

  /** One loop retries the oldest failed record until it is stored; the rest follow at once. */
  async #retryFailed(): Promise<void> {
    for (let attempt = 1; this.#failed.length > 0; attempt++) {
      // Unreferenced: a store that keeps failing must not hold a stopping process open.
      await new Promise((r) => setTimeout(r, this.#retryDelayMs(attempt)).unref());
      if (this.#closed) return;
      while (this.#failed.length > 0) {
        const record = this.#failed[0]!;
        try {
          await this.options.store(record.rows);
        } catch (err) {
          this.options.onStoreError?.(err as Error, record.rows.length);
          break;
        }
        this.#failed.shift();
        await this.#stored(record);
        attempt = 0;
      }
    }
  }

  /** The active segment, or a new one when it is full or a failed append retired it. */
  async #writableSegment(): Promise<Segment> {
    const current = this.#active;
    if (current && current.bytes < this.#segmentBytes) return current;
    const next = await this.#createSegment();
    if (this.#closed) {
      await this.#retire(next);
      throw new Error('the ingest log is closed');
    }
    this.#active = next;
    if (current) await this.#retire(current);
    return next;
  }

  /** Closes a segment for writes; it is deleted now if all of it is stored, else once it is. */
  async #retire(segment: Segment): Promise<void> {
    const handle = segment.handle;
    segment.handle = null;
    await handle?.close().catch(() => undefined);
    await this.#removeIfDone(segment);
  }

  async #createSegment(): Promise<Segment> {
    const seq = this.#nextSeq++;
    const path = join(this.options.dir, segmentName(seq));
    const handle = await open(path, 'wx');
    try {
      // The new file's directory entry must survive a crash as its records do.
      const dir = await open(this.options.dir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(path, { force: true });
      throw err;
    }
    return { path, handle, bytes: 0, unstored: 0 };
  }
}
