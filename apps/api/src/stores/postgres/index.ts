export { createPostgres, migratePostgres, postgresHealth, type PostgresOptions, type PostgresStore } from './db';
export { readInstallId } from './install';
export type * from './types';
