import { insertRaw, type ClickHouseClient } from '../stores/clickhouse';

export type OutcomeRow = Record<(typeof columns)[number], string>;
const columns = ['workspace_id', 'message_id', 'profile_id', 'journey_id', 'node_id', 'channel', 'kind', 'template_id', 'variant', 'reason', 'detail', 'at'] as const;

/**
 * Inserts start at most this often. Each ClickHouse insert costs milliseconds of CPU however few its
 * rows (a new part; with chDB, on this process's cores), so under load batches of a few sends cost
 * more than the sends. At rest an outcome goes in at once; under load a send waits at most this long.
 */
export const outcomeInsertIntervalMs = 20;
const maxBatchRows = 5_000;

/**
 * Group commit for outcome rows (`app.services.outcomeWriter`): concurrent sends share one
 * ClickHouse insert (one insert per send would cost more than the send), and each caller still waits
 * until its rows are stored.
 */
export class OutcomeWriter {
  #pending: OutcomeRow[] = [];
  #waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  #flushing = false;
  #lastInsertAt = 0;
  #wake: (() => void) | null = null;

  constructor(private readonly clickhouse: ClickHouseClient) {}

  write(rows: OutcomeRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push(...rows);
      this.#waiters.push({ resolve, reject });
      if (this.#pending.length >= maxBatchRows) this.#wake?.();
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      // Let sends of the same turn of the event loop join, and under load, those of the next few ms.
      const wait = this.#pending.length >= maxBatchRows ? 0 : Math.max(0, this.#lastInsertAt + outcomeInsertIntervalMs - performance.now());
      await new Promise<void>((resolve) => {
        if (wait <= 0) {
          setImmediate(resolve);
          return;
        }
        const timer = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
      const rows = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      this.#lastInsertAt = performance.now();
      try {
        // Serialised here and handed to the engine as is: the client's row streaming costs more than the rows.
        await insertRaw(this.clickhouse, 'message_events', columns, 'JSONEachRow', Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')));
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.#flushing = false;
  }
}

