export { createPostgres, migratePostgres, postgresHealth, type PostgresOptions, type PostgresStore } from './db';
export type * from './types';
