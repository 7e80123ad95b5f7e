import type { ClickHouseClient } from '../stores/clickhouse';

export type Params = Record<string, unknown>;

export async function selectRows<T>(ch: ClickHouseClient, query: string, params: Params = {}): Promise<T[]> {
  const rs = await ch.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

export async function command(ch: ClickHouseClient, query: string, params: Params = {}): Promise<void> {
  await ch.command({ query, query_params: params });
}

/** ClickHouse DateTime64(3) parameter text for an instant. */
export const chTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
