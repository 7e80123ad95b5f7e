import type { Server } from 'node:http';
import { ConfigError, loadConfig } from './env';
import { createApp } from './app';
import { createHttpServer, listen } from './http/server';
import { extraRoutes } from './http/routes';
import { startWorker, type RunningWorker } from './worker/worker';
import { startOwnRedis, RedisUnavailableError, type OwnRedis } from './stores/redis-launcher';
import { demoUser, ensureDemo, retirePublicDemoUser } from './demo/seed';
import { DataDirBusyError, lockDataDir } from './stores/data-lock';
import { GeoIpError } from './stores/geoip';

type Role = 'all' | 'api' | 'worker';

async function main(role: Role): Promise<void> {
  const config = loadConfig();
  const embedded = !config.clickhouseUrl || !config.databaseUrl;
  if (role !== 'all' && embedded) {
    throw new ConfigError(
      `start:${role} runs the ${role} alone, which needs CLICKHOUSE_URL and DATABASE_URL: the embedded stores allow one process per data dir. Use "pnpm start" to run the API and worker together.`,
    );
  }
  if (role !== 'all' && config.ownRedis) {
    throw new ConfigError(`start:${role} runs the ${role} alone, which needs REDIS_URL: its API and worker processes must share one Redis.`);
  }
  if (embedded) lockDataDir(config.dataDir, `"pnpm start"`);
  const ownRedis: OwnRedis | null = config.ownRedis ? await startOwnRedis(config.redisUrl, config.dataDir) : null;
  const app = await createApp(config, { ingest: role !== 'worker' }).catch(async (err: unknown) => {
    await ownRedis?.stop();
    throw err;
  });
  let server: Server | null = null;
  let worker: RunningWorker | null = null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info('shutting down', { signal });
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await worker?.close();
    await app.close();
    await ownRedis?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (role !== 'worker') {
    server = createHttpServer(app, extraRoutes);
    const port = await listen(server, config.port, config.host);
    console.log(`Overture API listening on http://localhost:${port} (ClickHouse: ${config.clickhouseUrl ? 'server' : 'chDB'}, PostgreSQL: ${app.postgres.kind}, Redis: ${ownRedis ? `its own on ${config.redisUrl}` : config.redisUrl})`);
  }
  if (role === 'worker' || (role === 'all' && config.worker)) {
    worker = startWorker(app);
    console.log('Overture worker running');
  }
  if (role !== 'worker' && !embedded && (await retirePublicDemoUser(app))) {
    console.log(`The demo user ${demoUser.email} had its public password on this server: it can no longer sign in.`);
  }
  const demo = role !== 'worker' && config.demo ? await ensureDemo(app) : null;
  if (demo) {
    console.log(
      `${demo.created ? `Demo workspace created (${demo.events} events from the UCI Online Retail sample).` : 'Demo workspace ready.'} ` +
        `Sign in at ${config.publicUrl}/ as ${demo.email} / ${demo.password} (change the password under Account once signed in) — write key ${demo.writeKey}`,
    );
  }
}

const role = (process.argv[2] ?? 'all') as Role;
if (!['all', 'api', 'worker'].includes(role)) {
  console.error(`Unknown role "${role}": use all, api or worker`);
  process.exit(2);
}
main(role).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RedisUnavailableError || err instanceof DataDirBusyError || err instanceof GeoIpError) console.error(err.message);
  else console.error(err);
  process.exit(1);
});
