export { createClickhouse, clickhouseHealth, insertRaw, type ClickHouseClient, type ClickhouseOptions } from './client';
export { migrateClickhouse } from './migrate';
