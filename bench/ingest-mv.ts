// pnpm bench:ingest-mv — what the materialised views on `events` cost each insert: the same batches
// of ingested events go into `events` (the store's own insert, as the group-commit writer makes it),
// in alternating rounds with the experiments' metric-events view attached and detached, in one
// process. Prints CPU and wall milliseconds per 1,000 events both ways (medians over rounds) and the
// load average. Runs in its own temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { createApp, createWorkspace, insertEvents, parseEnv, toConfig } from '@overture/api';
import { percentile, round } from './lib/stats';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const rounds = Number(args.get('rounds') ?? 10);
const batches = Number(args.get('batches') ?? 20);
const batchSize = Number(args.get('batch') ?? 1000);
const view = 'experiment_metric_events_writer';

const names = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Signed Up'];
const time = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ');

/** Rows as ingestion stores them (one in five a page view), the ingest bench's mix. */
function batch(ws: string, seq: number): Parameters<typeof insertEvents>[1] {
  const now = time(Date.now());
  return Array.from({ length: batchSize }, (_, i) => {
    const user = `user-${(seq * batchSize + i) % 50_000}`;
    const page = i % 5 === 0;
    const event = page ? 'Product' : names[i % names.length]!;
    return {
      workspace_id: ws,
      message_id: randomUUID(),
      type: page ? 'page' : 'track',
      event,
      distinct_id: page ? `anon-${user}` : user,
      anonymous_id: page ? `anon-${user}` : '',
      user_id: page ? '' : user,
      group_id: '',
      previous_id: '',
      timestamp: now,
      sent_at: now,
      received_at: now,
      properties: page ? `{"path":"/products/${i}","title":"A product","referrer":"https://www.google.com/"}` : event === 'Order Completed' ? `{"order_id":"o-${seq}-${i}","revenue":${19.99 + i},"currency":"GBP"}` : `{"product_id":"sku-${i}","price":19.99,"quantity":1,"currency":"GBP"}`,
      traits: '{}',
      context: '{"library":{"name":"bench","version":"1"},"ip":"203.0.113.9"}',
      is_bot: 0,
      bot_reason: '',
    };
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'overture-bench-ingest-mv-'));
  const config = toConfig(parseEnv({ OVERTURE_DATA_DIR: dir, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', OVERTURE_DEMO: 'false', LOG_LEVEL: 'warn', OVERTURE_QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}` }));
  const app = await createApp(config);
  try {
    const ws = (await createWorkspace(app.postgres.db, 'bench')).id;
    const cpu: Record<'with' | 'without', number[]> = { with: [], without: [] };
    const wall: Record<'with' | 'without', number[]> = { with: [], without: [] };
    let seq = 0;
    let attached = true;
    const setView = async (on: boolean) => {
      if (on !== attached) await app.clickhouse.command({ query: `${on ? 'ATTACH' : 'DETACH'} TABLE ${view}` });
      attached = on;
    };
    // A warm-up round, then alternate: attached, detached, attached...
    for (let r = -1; r < rounds; r++) {
      const side = r % 2 === 0 || r < 0 ? 'with' : 'without';
      await setView(side === 'with');
      const work = Array.from({ length: batches }, () => batch(ws, seq++));
      const c = process.cpuUsage();
      const t = performance.now();
      for (const rows of work) await insertEvents(app.clickhouse, rows);
      const used = process.cpuUsage(c);
      if (r < 0) continue;
      const per = (batches * batchSize) / 1000;
      cpu[side].push((used.user + used.system) / 1000 / per);
      wall[side].push((performance.now() - t) / per);
    }
    await setView(true);
    // Self-check: the view copied the rounds it was attached for, and only those.
    const rs = await app.clickhouse.query({ query: 'SELECT count() AS n FROM experiment_metric_events WHERE workspace_id = {ws:String}', query_params: { ws }, format: 'JSONEachRow' });
    const copied = Number((await rs.json<{ n: string }>())[0]!.n);
    const expected = (cpu.with.length + 1) * batches * batchSize;
    if (copied !== expected) throw new Error(`the view copied ${copied} rows, expected ${expected}`);
    const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
    console.log(`events_per_round=${batches * batchSize}`);
    console.log(`rounds_each=${cpu.with.length}`);
    console.log(`cpu_ms_per_1000_without_view=${round(med(cpu.without), 2)}`);
    console.log(`cpu_ms_per_1000_with_view=${round(med(cpu.with), 2)}`);
    console.log(`wall_ms_per_1000_without_view=${round(med(wall.without), 2)}`);
    console.log(`wall_ms_per_1000_with_view=${round(med(wall.with), 2)}`);
    console.log(`cpu_ratio=${round(med(cpu.with) / med(cpu.without), 3)}`);
    console.log(`load_average=${loadavg()[0]!.toFixed(2)}`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
