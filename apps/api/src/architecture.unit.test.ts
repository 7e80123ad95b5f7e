// Each table has one owning domain: its reads and writes live in that domain's folder, and
// another domain asks the owner's functions (docs/architecture.md, "Who owns which table").
// This reads the source (no stores): it finds every table a file names in a Kysely call or in
// SQL text and fails when a file outside the owner touches it, unless the access is listed in
// `stillShared` below. That list only shrinks: an entry no longer needed fails too.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Owner of every PostgreSQL and ClickHouse table, by top-level folder of src. A new table needs a line here. */
const owners: Record<string, string> = {
  // PostgreSQL
  install: 'stores',
  workspaces: 'workspaces',
  api_keys: 'workspaces',
  users: 'auth',
  memberships: 'workspaces',
  sessions: 'auth',
  // Written only through stores/postgres/audit.ts (appendAudit), for every domain's automated actions.
  audit_log: 'stores',
  segments: 'segments',
  journeys: 'journeys',
  journey_versions: 'journeys',
  journey_runs: 'journeys',
  journey_entries: 'journeys',
  journey_actions: 'journeys',
  journey_settings: 'journeys',
  journey_broadcasts: 'journeys',
  journey_step_events: 'journeys',
  channel_consents: 'channels',
  channel_suppressions: 'channels',
  email_senders: 'channels',
  email_sends: 'channels',
  email_settings: 'channels',
  push_subscriptions: 'channels',
  push_vapid_keys: 'channels',
  message_templates: 'templates',
  template_variants: 'templates',
  onsite_dismissals: 'onsite',
  onsite_impressions: 'onsite',
  onsite_placements: 'onsite',
  onsite_queue: 'onsite',
  onsite_settings: 'onsite',
  catalog_settings: 'catalog',
  experiments: 'experiments',
  experiment_weights: 'experiments',
  service_actions: 'service-messages',
  service_action_policies: 'service-messages',
  // Created by a frozen migration; only the test sink channel (src/testing) writes it.
  test_sink_messages: 'testing',
  // ClickHouse
  events: 'events',
  event_ids: 'events',
  event_ids_writer: 'events',
  identities: 'profiles',
  identity_merges: 'profiles',
  profile_features: 'profiles',
  profile_traits: 'profiles',
  profile_watermarks: 'profiles',
  rfm_thresholds: 'profiles',
  clv_models: 'profiles',
  segment_members: 'segments',
  products: 'catalog',
  product_history: 'catalog',
  journey_events: 'journeys',
  message_events: 'channels',
  experiment_exposures: 'experiments',
  experiment_metric_events: 'experiments',
  rec_affinity: 'recommendations',
  rec_impressions: 'recommendations',
  rec_item_stats: 'recommendations',
  rec_models: 'recommendations',
  rec_neighbours: 'recommendations',
  experiment_exposures_writer: 'experiments',
  experiment_metric_events_writer: 'experiments',
};

/**
 * Accesses by a non-owner that remain, as `file: table`. Move each behind a function of the
 * owner and delete its line; a line whose access is gone fails the test.
 */
const stillShared: string[] = [
  'catalog/moments.ts: events',
  'experiments/assign.ts: identities',
  'experiments/metrics.ts: events',
  'experiments/metrics.ts: identities',
  'journeys/erase.ts: test_sink_messages',
  'journeys/guardrails.ts: events',
  'journeys/guardrails.ts: message_events',
  'journeys/message-stats.ts: message_events',
  'profiles/erase.ts: events',
  'profiles/erase.ts: segment_members',
  'profiles/features-sql.ts: events',
  'profiles/identity.ts: segment_members',
  'profiles/lookups.ts: events',
  'profiles/pages.ts: events',
  'profiles/profile.ts: segment_members',
  'profiles/profile.ts: segments',
  'profiles/timeline.ts: events',
  'profiles/timeline.ts: message_events',
  'profiles/traits.ts: events',
  // Model builds, evaluation and live look-ups join the event stream with the identity map in one query.
  'recommendations/attribution.ts: events',
  'recommendations/attribution.ts: identities',
  'recommendations/build-sql.ts: events',
  'recommendations/build-sql.ts: identities',
  'recommendations/evaluate.ts: events',
  'recommendations/evaluate.ts: identities',
  'recommendations/model.ts: identities',
  'recommendations/recommend.ts: events',
  'recommendations/recommend.ts: identities',
  'segments/audience.ts: profile_features',
  'segments/compile.ts: profile_features',
  'segments/pie.ts: profile_features',
  'segments/refresh.ts: profile_features',
  'templates/store.ts: email_senders',
];

const src = import.meta.dirname;
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const isTestCode = (path: string) => path.startsWith('testing/') || /\.(test|fixture)\.ts$/.test(path);
const isMigration = (path: string) => /^stores\/(postgres|clickhouse)\/migrations\//.test(path);
const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0]! : '(root)');

const kyselyCall = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*['"]([a-z_][a-z0-9_]*)/g;
const sqlName = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+([a-z_][a-z0-9_]*)\b/g;
const clientInsert = /\btable:\s*['"]([a-z_][a-z0-9_]*)['"]/g;
const helperInsert = /\binsert(?:Rows|Raw)\([^,()]+,\s*['"]([a-z_][a-z0-9_]*)['"]/g;
// `for (const table of ['a', 'b']) ... FROM ${table}`: the names a loop interpolates into SQL.
const tableLoop = /for \(const \w+ of \[([^\]]*)\]\)/g;

/** Every `file: table` access in the production source, and the tables the migrations create. */
function scan(): { accesses: Set<string>; created: Set<string> } {
  const accesses = new Set<string>();
  const created = new Set<string>();
  for (const file of walk(src)) {
    const path = relative(src, file).split('\\').join('/');
    const text = readFileSync(file, 'utf8');
    if (isMigration(path)) {
      for (const m of text.matchAll(/createTable\(\s*'([a-z_]+)'/g)) created.add(m[1]!);
      continue;
    }
    if (isTestCode(path)) continue;
    for (const re of [kyselyCall, sqlName, clientInsert, helperInsert]) {
      for (const m of text.matchAll(re)) if (m[1]! in owners) accesses.add(`${path}: ${m[1]}`);
    }
    for (const loop of text.matchAll(tableLoop)) {
      for (const m of loop[1]!.matchAll(/'([a-z_][a-z0-9_]*)'/g)) if (m[1]! in owners) accesses.add(`${path}: ${m[1]}`);
    }
  }
  const chMigrations = join(src, 'stores/clickhouse/migrations');
  for (const f of readdirSync(chMigrations)) {
    const text = readFileSync(join(chMigrations, f), 'utf8');
    for (const m of text.matchAll(/CREATE\s+(?:TABLE|MATERIALIZED VIEW|VIEW)\s+(?:IF NOT EXISTS\s+)?([a-z_][a-z0-9_]*)/gi)) created.add(m[1]!);
  }
  return { accesses, created };
}

describe('table ownership', () => {
  const { accesses, created } = scan();
  const foreign = [...accesses].filter((a) => {
    const [path, table] = a.split(': ') as [string, string];
    return folderOf(path) !== owners[table];
  });

  it('gives every table a migration creates an owner', () => {
    expect([...created].filter((t) => !(t in owners)).sort()).toEqual([]);
    expect(Object.keys(owners).filter((t) => !created.has(t)).sort()).toEqual([]);
  });

  it('finds table accesses at all (the scan works)', () => {
    expect(accesses.size).toBeGreaterThan(50);
    expect(accesses.has('events/store.ts: events')).toBe(true);
  });

  it('has no table read or written outside its owner but the listed ones', () => {
    expect(foreign.filter((a) => !stillShared.includes(a)).sort()).toEqual([]);
  });

  it('lists only accesses that still exist (the list only shrinks)', () => {
    expect(stillShared.filter((a) => !foreign.includes(a)).sort()).toEqual([]);
  });
});
