import type { EventRow } from './row';
import { RecentIds } from './recent-ids';

export interface GroupCommitOptions {
  /**
   * Writes rows durably; throws if they were not stored. May return the rows it actually stored
   * when it drops some as already stored (only those are handed on).
   */
  insert: (rows: EventRow[]) => Promise<EventRow[] | void>;
  /** Called once rows are durable, e.g. to hand them to real-time triggers. */
  afterCommit?: (rows: EventRow[]) => Promise<void> | void;
  maxRows?: number;
  maxConcurrent?: number;
  recentIdCapacity?: number;
  /**
   * While only paced writes wait (rows nobody waits on at once: answered from the ingest log), inserts
   * start at most this often, so fewer, larger inserts pay the store's fixed costs (the messageId
   * look-up, a part to merge) once. A paced write after a quiet spell starts at once; any other write
   * starts as soon as an insert slot is free.
   */
  insertEveryMs?: number;
  /** Milliseconds on a monotonic clock, and a timer; injected by tests. */
  clock?: { now(): number; after(ms: number, run: () => void): void };
}

const realClock = { now: () => performance.now(), after: (ms: number, run: () => void) => void setTimeout(run, ms) };

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Dedup is per workspace and messageId, whoever the event names. */
const keyOf = (row: EventRow) => `${row.workspace_id}\u0000${row.message_id}`;

/**
 * Group commit: concurrent requests share one insert. While an insert is in flight new rows
 * gather; when it ends they go in the next one, so batches grow with load and latency stays low
 * at rest. A request's promise settles only when all of its rows are stored.
 */
export class GroupCommitWriter {
  #pending: EventRow[] = [];
  #waiters: Waiter[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** Hand-offs of stored rows (afterCommit) not finished yet. */
  #handOffs = 0;
  #recent: RecentIds;
  /**
   * Keys of rows in an insert still running, with that insert: a copy arriving meanwhile is not
   * written again, and its writer learns it is stored only when that insert succeeds.
   */
  #writing = new Map<string, Promise<void>>();
  readonly #maxRows: number;
  readonly #maxConcurrent: number;
  readonly #clock: NonNullable<GroupCommitOptions['clock']>;
  #lastStart = Number.NEGATIVE_INFINITY;
  /** Whether a write that is not paced waits among the pending rows. */
  #unpaced = false;
  /** When the scheduled start is due, and the token that lets only the latest one run. */
  #dueAt = 0;
  #token = 0;

  constructor(private readonly options: GroupCommitOptions) {
    this.#maxRows = options.maxRows ?? 20_000;
    this.#maxConcurrent = options.maxConcurrent ?? 2;
    this.#recent = new RecentIds(options.recentIdCapacity ?? 65_536);
    this.#clock = options.clock ?? realClock;
  }

  write(rows: EventRow[], options: { paced?: boolean } = {}): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const row of rows) this.#pending.push(row);
      if (!options.paced) this.#unpaced = true;
      this.#waiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#inFlight >= this.#maxConcurrent || this.#pending.length === 0) return;
    const now = this.#clock.now();
    const wait = this.#unpaced ? 0 : this.#lastStart + (this.options.insertEveryMs ?? 0) - now;
    // A start already due as early stays; a later one (paced rows waiting) gives way to this one.
    if (this.#scheduled && this.#dueAt <= now + Math.max(0, wait)) return;
    this.#scheduled = true;
    this.#dueAt = now + Math.max(0, wait);
    const token = ++this.#token;
    const start = () => {
      if (token !== this.#token) return;
      this.#scheduled = false;
      void this.#flush();
    };
    // Let requests parsed in the same turn of the event loop join this insert.
    if (wait <= 0) setImmediate(start);
    else this.#clock.after(wait, start);
  }

  async #flush(): Promise<void> {
    if (this.#inFlight >= this.#maxConcurrent || this.#pending.length === 0) return;
    const rows = this.#pending;
    const waiters = this.#waiters;
    this.#pending = [];
    this.#waiters = [];
    this.#unpaced = false;
    this.#inFlight++;
    this.#lastStart = this.#clock.now();
    const { fresh, copiesIn } = this.#dedupe(rows);
    let settle!: (err?: unknown) => void;
    const inserted = new Promise<void>((resolve, reject) => (settle = (err) => (err === undefined ? resolve() : reject(err))));
    inserted.catch(() => undefined);
    for (const row of fresh) this.#writing.set(keyOf(row), inserted);
    try {
      const stored: EventRow[] = [];
      for (let i = 0; i < fresh.length; i += this.#maxRows) {
        const chunk = fresh.slice(i, i + this.#maxRows);
        stored.push(...((await this.options.insert(chunk)) ?? chunk));
      }
      settle();
      await Promise.all(copiesIn);
      for (const row of fresh) this.#recent.add(keyOf(row));
      for (const w of waiters) w.resolve();
      if (this.options.afterCommit && stored.length > 0) {
        const afterCommit = this.options.afterCommit;
        // The rows are durable and acknowledged; a missed hand-off is caught up by scheduled refreshes.
        // A turn of its own: requests waiting to be read are not held behind the hand-off's work.
        this.#handOffs++;
        setImmediate(() => {
          void Promise.resolve()
            .then(() => afterCommit(stored))
            .catch(() => undefined)
            .finally(() => this.#handOffs--);
        });
      }
    } catch (err) {
      settle(err);
      for (const w of waiters) w.reject(err);
    } finally {
      for (const row of fresh) if (this.#writing.get(keyOf(row)) === inserted) this.#writing.delete(keyOf(row));
      this.#inFlight--;
      this.#schedule();
    }
  }

  /** Rows not stored nor being stored, and the running inserts that hold copies of the others. */
  #dedupe(rows: EventRow[]): { fresh: EventRow[]; copiesIn: Set<Promise<void>> } {
    const seen = new Set<string>();
    const fresh: EventRow[] = [];
    const copiesIn = new Set<Promise<void>>();
    for (const row of rows) {
      const key = keyOf(row);
      if (seen.has(key) || this.#recent.has(key)) continue;
      const running = this.#writing.get(key);
      if (running) {
        copiesIn.add(running);
        continue;
      }
      seen.add(key);
      fresh.push(row);
    }
    return { fresh, copiesIn };
  }

  /** Resolves when everything written so far has been stored or has failed, and handed on. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#inFlight > 0 || this.#scheduled || this.#handOffs > 0) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
