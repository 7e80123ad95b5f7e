import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite has one session. kysely-pglite hands that session to every caller at once, so two
 * transactions interleave on it and a plain query issued during someone's transaction runs inside
 * it (and is rolled back with it). This driver makes the session exclusive: Kysely acquires a
 * connection per query, and once per transaction from BEGIN to COMMIT/ROLLBACK, so a FIFO lock
 * around acquire/release serialises them.
 *
 * The price is a deadlock when code inside `db.transaction().execute(cb)` queries the outer `db`
 * instead of `trx`: that query waits for a session its own transaction holds. Such a wait fails
 * loudly after `holdTimeoutMs` of the holder keeping the session, naming where it was taken.
 */
export interface PGliteDialectOptions {
  /** A waiter gives up once the current holder has kept the session this long. */
  holdTimeoutMs?: number | undefined;
}

export function pgliteDialect(client: PGlite, options: PGliteDialectOptions = {}): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new ExclusivePGliteDriver(client, options.holdTimeoutMs ?? 30_000),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

interface Holder {
  since: number;
  /** Where the session was taken: the stack of the transaction that may be waiting on itself. */
  site: Error;
  inTransaction: boolean;
}

class ExclusivePGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  readonly #holdTimeoutMs: number;
  #holder: Holder | undefined;
  readonly #waiters: Array<() => void> = [];

  constructor(client: PGlite, holdTimeoutMs: number) {
    this.#connection = new PGliteConnection(client);
    this.#holdTimeoutMs = holdTimeoutMs;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const site = new Error('PGlite session taken here');
    // A waiter is handed the session directly on release, so a newcomer cannot overtake the queue.
    if (this.#holder) await this.#wait();
    this.#holder = { since: Date.now(), site, inTransaction: false };
    return this.#connection;
  }

  /** Resolves when the session is handed over; fails when one holder outlives the timeout (a likely self-deadlock). */
  #wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const arm = (): void => {
        const holder = this.#holder;
        const remaining = holder ? Math.max(0, holder.since + this.#holdTimeoutMs - Date.now()) : this.#holdTimeoutMs;
        timer = setTimeout(() => {
          if (!holder || this.#holder !== holder) return arm();
          this.#waiters.splice(this.#waiters.indexOf(wake), 1);
          reject(new Error(holdTimeoutMessage(holder, this.#holdTimeoutMs)));
        }, remaining);
        timer.unref?.();
      };
      this.#waiters.push(wake);
      arm();
    });
  }

  async releaseConnection(): Promise<void> {
    const next = this.#waiters.shift();
    this.#holder = next ? { since: Date.now(), site: new Error('PGlite session being handed over'), inTransaction: false } : undefined;
    next?.();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#holder) this.#holder.inTransaction = true;
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    await this.#connection.close();
  }
}

function holdTimeoutMessage(holder: Holder, timeoutMs: number): string {
  const what = holder.inTransaction ? 'a transaction' : 'a query';
  const hint = holder.inTransaction
    ? ' If that transaction is waiting for this query, code inside `db.transaction().execute(cb)` ' +
      'is using the outer db handle instead of `trx`: the embedded PostgreSQL has one session, so that deadlocks.'
    : '';
  return (
    `PGlite session held by ${what} for over ${timeoutMs} ms; gave up waiting for it.${hint}\n` +
    `Holder ${holder.site.stack ?? ''}`
  );
}

class PGliteConnection implements DatabaseConnection {
  readonly #client: PGlite;

  constructor(client: PGlite) {
    this.#client = client;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#client.query<R>(compiledQuery.sql, [...compiledQuery.parameters]);
    return {
      rows: result.rows,
      ...(result.affectedRows !== undefined ? { numAffectedRows: BigInt(result.affectedRows) } : {}),
    };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not support streaming.');
  }

  async close(): Promise<void> {
    if (!this.#client.closed) await this.#client.close();
  }
}
