export { createClickhouse, companionClickhouse, clickhouseHealth, insertRaw, isEmbeddedClickhouse, type ClickHouseClient, type ClickhouseOptions } from './client';
export { migrateClickhouse } from './migrate';
