import { ConfigError, loadConfig, type Config } from '../env';
import type { App } from '../app-handle';
import type { PostgresStore } from '../stores/postgres';
import { DataDirBusyError, lockDataDir } from '../stores/data-lock';
import { RedisUnavailableError, startOwnRedis } from '../stores/redis-launcher';
import { parseArgs, requireFlag, UsageError, type ParsedArgs } from './args';
import { readSecret } from './prompt';

// Each command imports what it uses when it runs: help, a usage error or a user created answer without
// loading the whole app (every domain, the stores' drivers), which costs a second of CPU at each start.

const usage = `Usage: pnpm overture <command>

Commands:
  workspace create --name NAME [--owner EMAIL] [--json]   create a workspace; prints its id, write key and secret key
  user create --email EMAIL [--workspace ID]              create a dashboard user; password from stdin or a prompt
  import orders FILE.csv --workspace ID                   load an online-retail CSV (InvoiceNo,StockCode,...) as orders
  import catalog FILE.csv|.json --workspace ID            upsert products (product_id,name,url,image_url,price,currency,category,brand,availability)
  recs evaluate --workspace ID --cutoff YYYY-MM-DD [--json]  offline evaluation: train before the cut-off, hit rate/recall@10 on later purchases
  migrate                                                 apply pending PostgreSQL and ClickHouse migrations
  stats < input.json                                      run the statistics engine on JSON from stdin (no configuration needed)

Configuration comes from the environment (see README: OVERTURE_DATA_DIR, DATABASE_URL, CLICKHOUSE_URL, ...).`;

function embeddedLock(config: Config, what: string): void {
  if (!config.clickhouseUrl || !config.databaseUrl) lockDataDir(config.dataDir, `"pnpm overture ${what}"`);
}

async function withPostgres<T>(config: Config, fn: (pg: PostgresStore) => Promise<T>): Promise<T> {
  const { createPostgres, migratePostgres } = await import('../stores/postgres');
  const pg = await createPostgres({ url: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migratePostgres(pg.db);
    return await fn(pg);
  } finally {
    await pg.close();
  }
}

async function workspaceCreate(config: Config, args: ParsedArgs): Promise<void> {
  const name = requireFlag(args, 'name');
  const owner = typeof args.flags.owner === 'string' ? args.flags.owner : undefined;
  const { findUserByEmail } = await import('../auth');
  const { createWorkspace } = await import('../workspaces');
  const ws = await withPostgres(config, async ({ db }) => {
    let ownerId: string | undefined;
    if (owner) {
      const user = await findUserByEmail(db, owner);
      if (!user) throw new UsageError(`No user with email ${owner}; create it first with "user create"`);
      ownerId = user.id;
    }
    return createWorkspace(db, name, ownerId);
  });
  if (args.flags.json) console.log(JSON.stringify({ id: ws.id, writeKey: ws.writeKey, secretKey: ws.secretKey }));
  else console.log(`Workspace "${ws.name}" created\n  id:         ${ws.id}\n  write key:  ${ws.writeKey}\n  secret key: ${ws.secretKey} (shown once; keep it safe)`);
}

async function userCreate(config: Config, args: ParsedArgs): Promise<void> {
  const email = requireFlag(args, 'email');
  const workspaceId = typeof args.flags.workspace === 'string' ? args.flags.workspace : undefined;
  const password = await readSecret('Password: ');
  if (password.length < 8) throw new UsageError('Password must be at least 8 characters');
  const { createUser } = await import('../auth');
  const { addMember, getWorkspace } = await import('../workspaces');
  const user = await withPostgres(config, async ({ db }) => {
    if (workspaceId && !(await getWorkspace(db, workspaceId))) throw new UsageError(`No workspace with id ${workspaceId}`);
    const u = await createUser(db, email, password);
    if (workspaceId) await addMember(db, u.id, workspaceId, 'owner');
    return u;
  });
  console.log(`User ${user.email} created${workspaceId ? ` and added to workspace ${workspaceId}` : ''}`);
}

async function migrate(config: Config): Promise<void> {
  const { migratePostgres } = await import('../stores/postgres');
  const { createClickhouse, migrateClickhouse } = await import('../stores/clickhouse');
  const applied = await withPostgres(config, ({ db }) => migratePostgres(db));
  const ch = createClickhouse({ url: config.clickhouseUrl, dataDir: config.dataDir });
  try {
    applied.push(...(await migrateClickhouse(ch)));
  } finally {
    await ch.close();
  }
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to migrate');
}

export async function run(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, ['json', 'help']);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    return 2;
  }
  const [noun, verb] = args.positionals;
  if (!noun || args.flags.help) {
    console.log(usage);
    return noun || args.flags.help ? 0 : 2;
  }
  // Pure computation: answered before the config is read, so it runs without any store or environment.
  if (noun === 'stats' && !verb) return (await import('./stats')).statsCommand();
  try {
    const config = loadConfig();
    const command = `${noun}${verb ? ` ${verb}` : ''}`;
    const known: Record<string, () => Promise<void>> = {
      'workspace create': () => workspaceCreate(config, args),
      'user create': () => userCreate(config, args),
      migrate: () => migrate(config),
      'import orders': async () => {
        const { importOrdersCommand } = await import('./import-orders');
        await withApp(config, (app) => importOrdersCommand(app, args));
      },
      'import catalog': async () => {
        const { importCatalogCommand } = await import('./import-catalog');
        await withApp(config, (app) => importCatalogCommand(app, args));
      },
      'recs evaluate': async () => {
        const { recsEvaluateCommand } = await import('./recs-evaluate');
        await withApp(config, (app) => recsEvaluateCommand(app, args));
      },
    };
    const action = known[command];
    if (!action) throw new UsageError(`Unknown command "${command}"`);
    embeddedLock(config, command);
    await action();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage}`);
      return 2;
    }
    // Loaded already when it is the one thrown, so the import only looks the class up.
    const { UserExistsError } = await import('../auth');
    if (err instanceof ConfigError || err instanceof DataDirBusyError || err instanceof UserExistsError || err instanceof RedisUnavailableError) {
      console.error(err.message);
      return 1;
    }
    const zodIssues = (err as { issues?: Array<{ message: string }> }).issues;
    console.error(zodIssues ? zodIssues.map((i) => i.message).join('; ') : `Error: ${(err as Error).message}`);
    return 1;
  }
}

/** An app over the stores; without REDIS_URL, over the data dir's own Redis, where imported events wait for the worker. */
async function withApp(config: Config, fn: (app: App) => Promise<void>): Promise<void> {
  const ownRedis = config.ownRedis ? await startOwnRedis(config.redisUrl, config.dataDir) : null;
  try {
    const { createApp } = await import('../app');
    const app = await createApp(config, { ingest: false });
    try {
      await fn(app);
    } finally {
      await app.close();
    }
  } finally {
    await ownRedis?.stop();
  }
}

run(process.argv.slice(2)).then((code) => process.exit(code));
