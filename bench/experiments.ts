// pnpm bench:experiments — an experiment with 1,000,000 exposed profiles and 10,000,000 other events
// (by default) inside ClickHouse, then measures its readout: the per-variant sufficient statistics
// of four metrics (conversion, revenue, a count and a guardrail) through the identity map, plus the
// statistics. Same-run baseline: a bare count of the rows the readout reads. Runs in its own
// temporary data dir. Prints key=value.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp, createExperiment, createWorkspace, parseEnv, readout, readoutOf, toConfig, variantSums, type App } from '@overture/api';
import { percentile, round } from './lib/stats';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const exposures = Number(args.get('exposures') ?? 1_000_000);
const events = Number(args.get('events') ?? 10_000_000);
const runs = Number(args.get('runs') ?? 5);

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

async function exec(app: App, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await app.clickhouse.command({ query, query_params: params, clickhouse_settings: { max_insert_threads: '2' } });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

const uid = (n: string) => `concat('u', leftPad(toString(${n}), 8, '0'))`;
const start = `toDateTime64('2026-03-01 00:00:00', 3, 'UTC')`;

/** Each profile is exposed once, within 10 days; B is variant of half of them. Exposures go through `events`, as in production. */
const exposuresSql = `INSERT INTO events (workspace_id, message_id, type, event, distinct_id, anonymous_id, user_id, group_id, previous_id, timestamp, sent_at, received_at, properties, traits, context, is_bot)
SELECT {ws:String}, concat('x', toString(number)), 'track', '$experiment_exposure', ${uid('number')}, '', ${uid('number')}, '', '',
  ${start} + toIntervalSecond(cityHash64(number, 1) % (10 * 86400)) AS ts, NULL, ts,
  concat('{"experiment":"bench","variant":"', if(number % 2 = 0, 'A', 'B'), '","context":{}}'), '{}', '{}', 0
FROM numbers({n:UInt64})`;

/**
 * Events of the exposed profiles over 20 days around their exposures: page views, product views,
 * orders with revenue (B's profiles order a little more). The identity map names every profile.
 */
const eventsSql = `INSERT INTO events (workspace_id, message_id, type, event, distinct_id, anonymous_id, user_id, group_id, previous_id, timestamp, sent_at, received_at, properties, traits, context, is_bot)
SELECT {ws:String}, concat('e', toString(number)), 'track',
  multiIf(k < 50, 'Product', k < 85, 'Product Viewed', k < 90 + 2 * (u % 2), 'Order Completed', 'Product Added') AS event,
  ${uid('u')}, '', ${uid('u')}, '', '',
  ${start} - toIntervalDay(5) + toIntervalSecond(cityHash64(number, 2) % (20 * 86400)) AS ts, NULL, ts,
  if(event = 'Order Completed', concat('{"revenue":', toString(round(5 + (cityHash64(number, 3) % 20000) / 100, 2)), '}'), '{"path":"/p"}'), '{}', '{}', 0
FROM (SELECT number, number % {profiles:UInt64} AS u, cityHash64(number) % 100 AS k FROM numbers({n:UInt64}))`;

const identitiesSql = `INSERT INTO identities (workspace_id, distinct_id, profile_id, kind, version, linked_at)
SELECT {ws:String}, ${uid('number')}, concat('p_', toString(number)), 'user', 1, ${start} FROM numbers({n:UInt64})`;

/** Baseline: a bare count over the same rows the readout reads (exposures and the metrics' events). */
const baselineSql = `SELECT
  (SELECT count() FROM experiment_exposures WHERE workspace_id = {ws:String} AND experiment = 'bench') AS exposures,
  (SELECT count() FROM events WHERE workspace_id = {ws:String} AND event IN ('Order Completed', 'Product Viewed')) AS events`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'overture-bench-experiments-'));
  const config = toConfig(parseEnv({ OVERTURE_DATA_DIR: dir, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', OVERTURE_DEMO: 'false', LOG_LEVEL: 'warn', OVERTURE_QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}` }));
  const app = await createApp(config);
  try {
    const ws = (await createWorkspace(app.postgres.db, 'bench')).id;
    log(`generating ${exposures.toLocaleString('en')} exposures and ${events.toLocaleString('en')} events…`);
    const [, genMs] = await timed(async () => {
      await exec(app, exposuresSql, { ws, n: exposures });
      await exec(app, eventsSql, { ws, n: events, profiles: exposures });
      await exec(app, identitiesSql, { ws, n: exposures });
      await exec(app, 'OPTIMIZE TABLE events FINAL');
      await exec(app, 'OPTIMIZE TABLE experiment_exposures FINAL');
      await exec(app, 'OPTIMIZE TABLE experiment_metric_events FINAL');
    });
    log(`generated in ${round(genMs / 1000)} s`);
    const experiment = await createExperiment(app.postgres.db, ws, {
      key: 'bench',
      name: 'bench',
      kind: 'message',
      variants: [
        { name: 'A', weight: 1 },
        { name: 'B', weight: 1 },
      ],
      metrics: [
        { kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 },
        { kind: 'revenue', name: 'Revenue', windowHours: 72 },
        { kind: 'count', name: 'Product views', event: 'Product Viewed', windowHours: 72 },
        { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours: 72 },
      ],
    });

    const baselines: number[] = [];
    const readouts: number[] = [];
    const readoutCpu: number[] = [];
    let last: Awaited<ReturnType<typeof readoutOf>> | null = null;
    for (let i = 0; i < runs; i++) {
      const [, b] = await timed(async () => (await app.clickhouse.query({ query: baselineSql, query_params: { ws }, format: 'JSONEachRow' })).json());
      baselines.push(b);
      const cpu = process.cpuUsage();
      // Recomputed each time: a cached readout would measure the cache.
      const [r, ms] = await timed(() => readoutOf(app, ws, experiment, { refresh: true }));
      const used = process.cpuUsage(cpu);
      readouts.push(ms);
      readoutCpu.push((used.user + used.system) / 1000);
      last = r;
    }
    if (!last || last.readout.exposures !== exposures) throw new Error(`readout counted ${last?.readout.exposures} exposures, expected ${exposures}`);

    // The statistics alone, on the sums of the last readout: microseconds per variant and metric set.
    const sums = await variantSums(app.clickhouse, ws, experiment.key, experiment.metrics);
    const reps = 2_000;
    const t = performance.now();
    for (let i = 0; i < reps; i++) readout(experiment.variants, experiment.metrics, sums, { engine: i % 2 ? 'bayesian' : 'frequentist', sequential: i % 4 === 1 });
    const statsUs = ((performance.now() - t) * 1000) / reps / experiment.variants.length;

    baselines.sort((a, b) => a - b);
    readouts.sort((a, b) => a - b);
    readoutCpu.sort((a, b) => a - b);
    const goal = last.readout.metrics[0]!;
    console.log(`exposures=${last.readout.exposures}`);
    console.log(`events=${events}`);
    console.log(`metrics=${experiment.metrics.length}`);
    console.log(`generate_s=${round(genMs / 1000)}`);
    console.log(`baseline_count_s=${round(percentile(baselines, 50) / 1000, 3)}`);
    console.log(`readout_s=${round(percentile(readouts, 50) / 1000, 3)}`);
    // CPU seconds of the whole process (chDB runs inside it): steadier than wall time on a busy machine.
    console.log(`readout_cpu_s=${round(percentile(readoutCpu, 50) / 1000, 3)}`);
    console.log(`load_average=${loadavg()[0]!.toFixed(2)}`);
    console.log(`readout_max_s=${round(readouts[readouts.length - 1]! / 1000, 3)}`);
    console.log(`ratio=${round(percentile(readouts, 50) / percentile(baselines, 50), 1)}`);
    console.log(`stats_us_per_variant=${round(statsUs, 1)}`);
    console.log(`goal_uplift=${round(goal.comparisons[0]?.expected ?? NaN, 4)}`);
    console.log(`verdict=${last.readout.verdict.status}`);
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
