import type { EventRow } from './normalize';
import { RecentIds } from './recent-ids';

export interface GroupCommitOptions {
  /** Writes rows durably; throws if they were not stored. */
  insert: (rows: EventRow[]) => Promise<void>;
  /** Called once rows are durable, e.g. to hand them to real-time triggers. */
  afterCommit?: (rows: EventRow[]) => Promise<void> | void;
  maxRows?: number;
  maxConcurrent?: number;
  recentIdCapacity?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

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
  #recent: RecentIds;
  readonly #maxRows: number;
  readonly #maxConcurrent: number;

  constructor(private readonly options: GroupCommitOptions) {
    this.#maxRows = options.maxRows ?? 20_000;
    this.#maxConcurrent = options.maxConcurrent ?? 2;
    this.#recent = new RecentIds(options.recentIdCapacity ?? 1_000_000);
  }

  write(rows: EventRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      for (const row of rows) this.#pending.push(row);
      this.#waiters.push({ resolve, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxConcurrent || this.#pending.length === 0) return;
    this.#scheduled = true;
    // Let requests parsed in the same turn of the event loop join this insert.
    setImmediate(() => {
      this.#scheduled = false;
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#inFlight >= this.#maxConcurrent || this.#pending.length === 0) return;
    const rows = this.#pending;
    const waiters = this.#waiters;
    this.#pending = [];
    this.#waiters = [];
    this.#inFlight++;
    try {
      const fresh = this.#dedupe(rows);
      for (let i = 0; i < fresh.length; i += this.#maxRows) {
        await this.options.insert(fresh.slice(i, i + this.#maxRows));
      }
      for (const row of fresh) this.#recent.add(`${row.workspace_id}\u0000${row.message_id}`);
      for (const w of waiters) w.resolve();
      if (this.options.afterCommit && fresh.length > 0) {
        const afterCommit = this.options.afterCommit;
        // The rows are durable and acknowledged; a missed hand-off is caught up by scheduled refreshes.
        void Promise.resolve()
          .then(() => afterCommit(fresh))
          .catch(() => undefined);
      }
    } catch (err) {
      for (const w of waiters) w.reject(err);
    } finally {
      this.#inFlight--;
      this.#schedule();
    }
  }

  #dedupe(rows: EventRow[]): EventRow[] {
    const seen = new Set<string>();
    const out: EventRow[] = [];
    for (const row of rows) {
      const key = `${row.workspace_id}\u0000${row.message_id}`;
      if (seen.has(key) || this.#recent.has(key)) continue;
      seen.add(key);
      out.push(row);
    }
    return out;
  }

  /** Resolves when everything written so far has been stored or has failed. */
  async drain(): Promise<void> {
    while (this.#pending.length > 0 || this.#inFlight > 0 || this.#scheduled) {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
