export { createPostgres, migratePostgres, postgresHealth, type PostgresOptions, type PostgresStore } from './db';
export { readInstallId } from './install';
export { nextRowVersions } from './row-versions';
export type * from './types';
export { appendAudit, type AuditEntry } from './audit';
export { pgliteDialect, type PGliteDialectOptions } from './pglite-dialect';
