// pnpm bench:segments — builds a synthetic workspace inside ClickHouse (1,000,000 profiles, 50,000,000
// events by default), then measures the scheduled full recompute (identities, traits, features, RFM and
// 10 segments) against one hand-written SQL computing the same RFM scores, the scheduled incremental
// pass after 1 % of the profiles sent new events, one profile's real-time refresh, and a timeline page
// of a profile with 10,000 events. Runs in its own temporary data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  createApp,
  createSegment,
  createWorkspace,
  parseEnv,
  recomputeWorkspace,
  refreshProfileFeatures,
  refreshProfilesSegments,
  resolveProfileId,
  timeline,
  toConfig,
  type App,
  type SegmentDraft,
} from '@overture/api';
import { deleteQueueKeys } from '@overture/api/testing';
import { percentile, round } from './lib/stats';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const profiles = Number(args.get('profiles') ?? 1_000_000);
const events = Number(args.get('events') ?? 50_000_000);
const perProfile = Math.max(2, Math.floor(events / profiles));
const heavyEvents = 10_000;

const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

async function exec(app: App, query: string, params: Record<string, unknown> = {}): Promise<void> {
  await app.clickhouse.command({ query, query_params: params, clickhouse_settings: { max_insert_threads: '2' } });
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

/**
 * Events of profile `u` are `u`'s consecutive numbers, and ids are zero-padded, so every insert block
 * covers its own key range (as a real table's parts do once merged). One profile in ten browses
 * anonymously first and is linked by its identify; every profile has one identify with traits.
 */
function eventsSql(anonymousPass: boolean): string {
  const u = `intDiv(number, ${perProfile})`;
  const i = `number % ${perProfile}`;
  const k = `cityHash64(number) % 100`;
  const uid = `concat('u', leftPad(toString(${u}), 8, '0'))`;
  const aid = `concat('a', leftPad(toString(${u}), 8, '0'))`;
  const anonymous = `(${u} % 10 = 0 AND ${i} > 0 AND ${i} < ${perProfile} / 2 AND ${k} < 63)`;
  return `INSERT INTO events (workspace_id, message_id, type, event, distinct_id, anonymous_id, user_id, group_id, previous_id, timestamp, sent_at, received_at, properties, traits, context, is_bot)
SELECT {ws:String}, toString(number),
  multiIf(${i} = 0, 'identify', ${k} < 55, 'page', 'track') AS type,
  multiIf(${i} = 0, '', ${k} < 55, 'Product', ${k} < 60, '$scroll', ${k} < 63, '$pageleave', ${k} < 90, 'Product Viewed', ${k} < 96, 'Product Added',
    ${k} < 99, 'Order Completed', number % 3 = 0, 'Order Refunded', '$rage_click') AS event,
  if(${anonymous}, ${aid}, ${uid}), if(${anonymous} OR (${i} = 0 AND ${u} % 10 = 0), ${aid}, ''), if(${anonymous}, '', ${uid}), '', '',
  now64(3) - toIntervalSecond(cityHash64(number, 1) % (365 * 86400)) AS ts, NULL, ts + toIntervalSecond(cityHash64(number, 3) % 5),
  multiIf(${k} < 55, concat('{"path":"/p/', toString(number % 200), '","category":"c', toString(number % 20), '"}'),
    ${k} < 60, concat('{"depth":', toString(number % 101), '}'),
    ${k} < 63, concat('{"engaged_ms":', toString(number % 60000), '}'),
    ${k} < 96, concat('{"product_id":"sku-', toString(number % 5000), '"}'),
    ${k} < 99 OR number % 3 = 0, concat('{"revenue":', toString(round(5 + (cityHash64(number, 2) % 20000) / 100, 2)), ',"products":[{"product_id":"sku-', toString(number % 5000), '","name":"Product ', toString(number % 5000), '","category":"c', toString(number % 20), '"}]}'),
    '{}'),
  if(${i} = 0, concat('{"email":"', ${uid}, '@example.com","plan":"', ['free', 'pro', 'team'][1 + ${u} % 3], '"}'), '{}'),
  if(${k} < 55 AND number % 10 = 0, '{"campaign":{"source":"google","medium":"cpc","name":"brand"}}', '{}'),
  0
FROM numbers(${profiles * perProfile})
WHERE ${anonymousPass ? '' : 'NOT '}${anonymous}`;
}

/**
 * The same RFM scores as the recompute, by hand: one query from raw events through the identity map.
 * `parsed` reads the revenue ClickHouse parsed when each event was stored (as the recompute does)
 * instead of the JSON text; the plain one is the baseline every earlier figure was measured against.
 */
const baselineSql = (parsed = false) => `
SELECT count() AS customers, sum(r) AS rs, sum(f) AS fs, sum(m) AS ms FROM (
  SELECT
    1 + intDiv(5 * (rank() OVER (ORDER BY last_day) - 1), count() OVER ()) AS r,
    1 + intDiv(5 * (rank() OVER (ORDER BY n) - 1), count() OVER ()) AS f,
    1 + intDiv(5 * (rank() OVER (ORDER BY net) - 1), count() OVER ()) AS m
  FROM (
    SELECT i.profile_id, maxIf(toDate(e.timestamp), e.event = 'Order Completed') AS last_day, countIf(e.event = 'Order Completed') AS n,
      round(sum(if(e.event = 'Order Completed', ${revenue(parsed)}, 0)) - sum(if(e.event = 'Order Refunded', ${revenue(parsed)}, 0)), 2) AS net
    FROM events AS e INNER JOIN (SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}) AS i ON i.distinct_id = e.distinct_id
    WHERE e.workspace_id = {ws:String} AND e.event IN ('Order Completed', 'Order Refunded')
    GROUP BY i.profile_id HAVING n > 0
  )
)`;

const revenue = (parsed: boolean) => (parsed ? 'e.order_revenue' : `JSONExtractFloat(e.properties, 'revenue')`);

/** New events from 1 % of the profiles (5 each: page views, an added product, an order), received now. */
function touchSql(): string {
  const u = `(intDiv(number, 5) * 100 + 7)`;
  const uid = `concat('u', leftPad(toString(${u}), 8, '0'))`;
  return `INSERT INTO events (workspace_id, message_id, type, event, distinct_id, anonymous_id, user_id, group_id, previous_id, timestamp, sent_at, received_at, properties, traits, context, is_bot)
SELECT {ws:String}, concat('touch-', toString(number)), if(number % 5 < 3, 'page', 'track'),
  multiIf(number % 5 < 3, 'Product', number % 5 = 3, 'Product Added', 'Order Completed'),
  ${uid}, '', ${uid}, '', '', now64(3) - toIntervalSecond(number % 600), NULL, now64(3),
  if(number % 5 = 4, concat('{"revenue":', toString(10 + number % 300), ',"products":[{"product_id":"sku-1","category":"c', toString(number % 20), '"}]}'), '{"path":"/p/1"}'),
  '{}', '{}', 0
FROM numbers(${Math.floor(profiles / 100) * 5})`;
}

const load = () => loadavg().map((x) => round(x, 2)).join('/');

const segments: SegmentDraft[] = [
  { name: 'Pro plan', description: '', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } },
  { name: 'Big spenders', description: '', definition: { type: 'feature', feature: 'net_revenue', op: 'gte', value: 300 } },
  { name: 'Champions', description: '', definition: { type: 'rfm_segment', segments: ['Champions', 'Loyal'] } },
  { name: 'Top recency', description: '', definition: { type: 'rfm_score', score: 'r', op: 'gte', value: 4 } },
  { name: 'Emailable', description: '', definition: { type: 'reachable', channel: 'email' } },
  { name: 'Holdout', description: '', definition: { type: 'random_bucket', salt: 'bench', from: 0, to: 9 } },
  { name: 'Added to cart twice in 30 days', description: '', definition: { type: 'event', event: 'Product Added', count: { op: 'gte', value: 2 }, within: { days: 30 } } },
  { name: 'Never refunded', description: '', definition: { type: 'event', event: 'Order Refunded', count: { op: 'eq', value: 0 } } },
  { name: 'Lapsed buyers', description: '', definition: { type: 'last_performed', event: 'Order Completed', op: 'before', value: { daysAgo: 90 } } },
  {
    name: 'Engaged, not buying',
    description: '',
    definition: {
      type: 'and',
      conditions: [
        { type: 'feature', feature: 'page_views', op: 'gte', value: 20 },
        { type: 'feature', feature: 'orders', op: 'lte', value: 1 },
        { type: 'not', condition: { type: 'feature_list', feature: 'categories_bought', op: 'has', value: 'c3' } },
      ],
    },
  },
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'overture-bench-segments-'));
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `bench-${randomBytes(4).toString('hex')}`;
  const config = toConfig(parseEnv({ OVERTURE_DATA_DIR: dir, REDIS_URL: redisUrl, OVERTURE_DEMO: 'false', LOG_LEVEL: 'warn', OVERTURE_QUEUE_PREFIX: queuePrefix }));
  const app = await createApp(config);
  const loadStart = load();
  try {
    const ws = (await createWorkspace(app.postgres.db, 'bench')).id;
    log(`generating ${profiles.toLocaleString('en')} profiles × ${perProfile} events in ClickHouse…`);
    const [, genMs] = await timed(async () => {
      await exec(app, eventsSql(true), { ws });
      await exec(app, eventsSql(false), { ws });
      await exec(
        app,
        `INSERT INTO events (workspace_id, message_id, type, event, distinct_id, anonymous_id, user_id, group_id, previous_id, timestamp, sent_at, received_at, properties, traits, context, is_bot)
         SELECT {ws:String}, concat('heavy-', toString(number)), 'page', 'Product', 'zz-heavy', '', 'zz-heavy', '', '', now64(3) - toIntervalSecond(number * 60), NULL, now64(3),
           concat('{"path":"/p/', toString(number % 200), '"}'), '{}', '{}', 0 FROM numbers(${heavyEvents})`,
        { ws },
      );
    });
    log(`generated in ${round(genMs / 1000)} s`);
    for (const s of segments) await createSegment(app, ws, s);

    log('initial build (identities, features, RFM, segment baselines)…');
    const [, initialMs] = await timed(() => recomputeWorkspace(app, ws));
    log('full recompute…');
    const [result, fullMs] = await timed(() => recomputeWorkspace(app, ws));
    log('baseline SQL…');
    const runBaseline = async (parsed: boolean) => {
      const rs = await app.clickhouse.query({ query: baselineSql(parsed), query_params: { ws }, format: 'JSONEachRow' });
      return (await rs.json<{ customers: string }>())[0];
    };
    const [baseline, baselineMs] = await timed(() => runBaseline(false));
    const [, parsedBaselineMs] = await timed(() => runBaseline(true));

    log('1 % of profiles send new events; incremental pass…');
    await exec(app, touchSql(), { ws });
    const [inc, incMs] = await timed(() => recomputeWorkspace(app, ws, 'incremental'));
    if (inc.pass !== 'incremental') throw new Error(`expected an incremental pass, ran ${inc.pass}`);

    const someone = await resolveProfileId(app, ws, { userId: 'u00004242' });
    const refreshes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const [, ms] = await timed(async () => {
        await refreshProfileFeatures(app, ws, [someone]);
        await refreshProfilesSegments(app, ws, [someone]);
      });
      refreshes.push(ms);
    }
    const heavy = await resolveProfileId(app, ws, { userId: 'zz-heavy' });
    const pages: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 7; i++) {
      const [page, ms] = await timed(() => timeline(app, ws, heavy, { limit: 50, before: i === 6 ? cursor : null }));
      if (page.items.length !== 50) throw new Error(`timeline page has ${page.items.length} items`);
      cursor = page.next;
      pages.push(ms);
    }
    refreshes.sort((a, b) => a - b);
    pages.sort((a, b) => a - b);
    console.log(`load_avg_start=${loadStart}`);
    console.log(`load_avg_end=${load()}`);
    console.log(`profiles=${profiles}`);
    console.log(`events=${profiles * perProfile + heavyEvents}`);
    console.log(`customers=${baseline?.customers ?? 0}`);
    console.log(`generate_s=${round(genMs / 1000)}`);
    console.log(`initial_build_s=${round(initialMs / 1000)}`);
    console.log(`full_recompute_s=${round(fullMs / 1000)}`);
    console.log(`features_s=${round(result.featuresMs / 1000)}`);
    console.log(`segments_s=${round(result.segmentsMs / 1000)}`);
    console.log(`facts_copy_s=${round(result.copiesMs / 1000)}`);
    console.log(`baseline_s=${round(baselineMs / 1000)}`);
    console.log(`ratio=${round(fullMs / baselineMs, 2)}`);
    console.log(`baseline_parsed_s=${round(parsedBaselineMs / 1000)}`);
    console.log(`ratio_parsed=${round(fullMs / parsedBaselineMs, 2)}`);
    console.log(`touched_profiles=${inc.profiles ?? 0}`);
    console.log(`incremental_s=${round(incMs / 1000)}`);
    console.log(`incremental_features_s=${round(inc.featuresMs / 1000)}`);
    console.log(`incremental_segments_s=${round(inc.segmentsMs / 1000)}`);
    console.log(`incremental_facts_copy_s=${round(inc.copiesMs / 1000)}`);
    console.log(`incremental_ratio=${round(incMs / baselineMs, 2)}`);
    console.log(`profile_refresh_ms=${round(percentile(refreshes, 50))}`);
    console.log(`timeline_ms=${round(percentile(pages, 50))}`);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    // Decide's copies of a million profiles stay in the shared Redis otherwise (and slow every later SCAN).
    await deleteQueueKeys(queuePrefix, redisUrl);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
