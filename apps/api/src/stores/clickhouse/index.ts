export { createClickhouse, companionClickhouse, clickhouseHealth, insertRaw, type ClickHouseClient, type ClickhouseOptions } from './client';
export { migrateClickhouse } from './migrate';
