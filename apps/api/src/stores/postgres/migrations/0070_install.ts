import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

// Frozen: this file describes the schema as it was when written; never import app types here.
//
// One row naming this install (a database, or a schema of one): every process of a deployment reads
// the same id and puts it into its Redis queue prefix, so two installs on one Redis never take each
// other's jobs. Created here, once, under the migrator's lock, so concurrent first starts agree.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('install')
    // A constant key: the table can hold one row only.
    .addColumn('singleton', 'boolean', (c) => c.primaryKey().defaultTo(true).check(sql`singleton`))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('install').values({ id: randomBytes(5).toString('hex') }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('install').execute();
}
