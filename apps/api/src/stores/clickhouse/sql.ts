import type { ClickHouseClient } from './client';
import { nextRowVersions, type PostgresStore } from '../postgres';

/** Whatever holds the PostgreSQL store (the app, or a test's). */
type WithPostgres = { postgres: Pick<PostgresStore, 'db'> };

export type Params = Record<string, unknown>;

export async function selectRows<T>(ch: ClickHouseClient, query: string, params: Params = {}): Promise<T[]> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** A statement without a result. `sessionId`: statements sharing one see the same temporary tables. */
export async function run(ch: ClickHouseClient, query: string, params: Params = {}, sessionId?: string): Promise<void> {
  await ch.command({ query, query_params: params, ...(sessionId ? { session_id: sessionId } : {}) });
}

export async function insertRows(ch: ClickHouseClient, table: string, values: object[]): Promise<void> {
  if (values.length === 0) return;
  await ch.insert({ table, values, format: 'JSONEachRow' });
}

/** An instant as the text of a ClickHouse DateTime64(3) parameter ('YYYY-MM-DD hh:mm:ss.sss', UTC). */
export const chTime = (at: Date | number): string => new Date(at).toISOString().replace('T', ' ').replace('Z', '');

/** ClickHouse DateTime64(3) text ('YYYY-MM-DD hh:mm:ss.sss') to ISO 8601. */
export const chToIso = (t: string | null | undefined): string | null => (t ? `${t.replace(' ', 'T')}Z` : null);

/** Row versions for ReplacingMergeTree tables, strictly increasing across every process (the store's sequence). */
export function nextVersions(app: WithPostgres, n: number): Promise<number[]> {
  return nextRowVersions(app.postgres.db, n);
}

export async function nextVersion(app: WithPostgres): Promise<number> {
  return (await nextVersions(app, 1))[0]!;
}
