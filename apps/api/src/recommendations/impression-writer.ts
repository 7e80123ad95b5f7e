import type { ClickHouseClient } from '../stores/clickhouse';
import { insertRows } from '../stores/clickhouse/sql';
import type { Logger } from '../logger';

export interface ImpressionRow {
  workspace_id: string;
  rec_id: string;
  strategy: string;
  source_kind: string;
  source_id: string;
  profile_id: string;
  product_ids: string[];
  shown_at: string;
}

const flushEveryMs = 1_000;
const flushAtRows = 1_000;

/**
 * Shown blocks (`app.services.recommendationImpressions`), written in batches off the request path
 * (decide has a latency budget): a flush a second, or at 1,000 rows. A crash loses at most that
 * second's impressions.
 */
export class ImpressionWriter {
  #rows: ImpressionRow[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly clickhouse: ClickHouseClient,
    private readonly log: Logger,
  ) {}

  add(row: ImpressionRow): void {
    this.#rows.push(row);
    if (this.#rows.length >= flushAtRows) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), flushEveryMs);
      this.#timer.unref?.();
    }
  }

  /** Writes the impressions waiting in this process. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const rows = this.#rows.splice(0);
    try {
      await insertRows(this.clickhouse, 'rec_impressions', rows);
    } catch (err) {
      this.log.warn('recommendation impressions not recorded', { error: (err as Error).message, rows: rows.length });
    }
  }
}

export function createImpressionWriter(clickhouse: ClickHouseClient, log: Logger): ImpressionWriter {
  return new ImpressionWriter(clickhouse, log);
}
