import type { App } from '../app-handle';
import { chTime } from '../ingest/normalize';
import { profileIdFor } from './ids';
import { sql } from 'kysely';
import { nextRowVersions } from '../stores/postgres';
import { insertRows, run, selectRows } from '../stores/clickhouse/sql';

/** What one event says about who someone is. `previousId` is set for `alias` only. */
export interface IdentityLink {
  userId?: string | undefined;
  anonymousId?: string | undefined;
  previousId?: string | undefined;
  messageId?: string | undefined;
}

export interface ProfileMerge {
  from: string;
  into: string;
  reason: 'identify' | 'alias';
}

export interface ResolvedLinks {
  /** distinct id → profile id, for every id in the links. */
  profileOf: Map<string, string>;
  merges: ProfileMerge[];
}

interface IdentityRow {
  workspace_id: string;
  distinct_id: string;
  profile_id: string;
  kind: 'user' | 'anonymous';
  version: number;
  linked_at: string;
}

// Identity changes of one workspace are applied one batch at a time, so two batches never both
// create or merge the same person: in this process through a queue per workspace
// (`app.services.identityBatches`), and across processes (API and workers scaled out on one
// PostgreSQL server) through a transaction-scoped advisory lock per workspace, held while the batch
// reads and writes the identity tables.

/** First key of the two-key advisory locks taken here ('idnt'), apart from any other lock's. */
const identityLockSpace = 0x69646e74;

type VersionSource = (n: number) => Promise<number[]>;

function acrossProcesses<T>(app: App, workspaceId: string, fn: (versions: VersionSource) => Promise<T>): Promise<T> {
  // PGlite serves one process (the data directory is locked) over one connection, which an open
  // transaction would take from every other query for the whole batch.
  if (app.postgres.kind === 'pglite') return fn((n) => nextRowVersions(app.postgres.db, n));
  return app.postgres.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${identityLockSpace}::int, hashtext(${workspaceId}))`.execute(trx);
    // Versions come through the locked transaction's own connection: drawn after the previous
    // holder's, and no second pooled connection is needed while this one is held.
    return fn((n) => nextRowVersions(trx, n));
  });
}

async function lookup(app: App, workspaceId: string, ids: string[]): Promise<Map<string, { profile: string; kind: string }>> {
  const map = new Map<string, { profile: string; kind: string }>();
  if (ids.length === 0) return map;
  const rows = await selectRows<{ distinct_id: string; profile_id: string; kind: string }>(
    app.clickhouse,
    `SELECT distinct_id, profile_id, kind FROM identities
     WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)}`,
    { ws: workspaceId, ids },
  );
  for (const r of rows) map.set(r.distinct_id, { profile: r.profile_id, kind: r.kind });
  return map;
}

/**
 * `distinct_id, profile_id, kind, linked_at` of every distinct id now linked to one of `{pids}`. The
 * table is ordered by distinct id, so profile ids are found through their bloom filter, without FINAL
 * (with it, the index's granules are widened to every granule sharing their key range in any part:
 * 18 granules instead of 5 for one profile among a million); the newest version of each id found,
 * read by primary key, then says whether it is still theirs. That is FINAL's answer, as a link is
 * rewritten only with a higher version (the store's sequence; the backfill writes ids not linked yet).
 */
export const profileIdentitiesSql = `SELECT distinct_id, cur.1 AS profile_id, cur.2 AS kind, cur.3 AS linked_at FROM (
  SELECT distinct_id, argMax((profile_id, kind, linked_at), version) AS cur FROM identities
  WHERE workspace_id = {ws:String} AND distinct_id IN (SELECT distinct_id FROM identities WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)})
  GROUP BY distinct_id SETTINGS final = 0
) WHERE profile_id IN {pids:Array(String)}`;

/** Every distinct id linked to the given profiles. */
export async function identitiesOf(app: App, workspaceId: string, profileIds: string[]): Promise<Array<{ distinct_id: string; profile_id: string; kind: string; linked_at: string }>> {
  if (profileIds.length === 0) return [];
  return selectRows(app.clickhouse, `${profileIdentitiesSql} ORDER BY linked_at, distinct_id`, { ws: workspaceId, pids: profileIds });
}

/**
 * Applies identity links in order: unseen ids get a profile, ids seen together are linked, and two
 * profiles proven to be one person are merged into the known (user id) side. An anonymous profile
 * that already belongs to another user id is not merged (a shared device is not one person).
 */
export async function resolveLinks(app: App, workspaceId: string, links: IdentityLink[]): Promise<ResolvedLinks> {
  const resolved = await app.services.identityBatches.run(workspaceId, () => acrossProcesses(app, workspaceId, (versions) => applyLinks(app, workspaceId, links, versions)));
  await dropMergedAway(app, workspaceId, resolved.merges.map((m) => m.from));
  return resolved;
}

async function applyLinks(app: App, workspaceId: string, links: IdentityLink[], versions: VersionSource): Promise<ResolvedLinks> {
  const ids = new Set<string>();
  for (const l of links) for (const id of [l.userId, l.anonymousId, l.previousId]) if (id) ids.add(id);
  const known = await lookup(app, workspaceId, [...ids]);
  let pending: Array<Omit<IdentityRow, 'version'>> = [];
  const merges: ProfileMerge[] = [];
  const now = chTime(Date.now());

  const link = (distinctId: string, profile: string, kind: 'user' | 'anonymous') => {
    known.set(distinctId, { profile, kind });
    pending.push({ workspace_id: workspaceId, distinct_id: distinctId, profile_id: profile, kind, linked_at: now });
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const vs = await versions(pending.length);
    await insertRows(app.clickhouse, 'identities', pending.map((r, i): IdentityRow => ({ ...r, version: vs[i]! })));
    pending = [];
  };
  const merge = async (from: string, into: string, reason: ProfileMerge['reason'], messageId: string) => {
    await flush();
    const moved = await identitiesOf(app, workspaceId, [from]);
    for (const m of moved) link(m.distinct_id, into, m.kind === 'user' ? 'user' : 'anonymous');
    for (const [id, v] of known) if (v.profile === from) known.set(id, { ...v, profile: into });
    await flush();
    await insertRows(app.clickhouse, 'identity_merges', [
      { workspace_id: workspaceId, from_profile_id: from, into_profile_id: into, reason, message_id: messageId, distinct_ids: moved.map((m) => m.distinct_id), merged_at: now },
    ]);
    // Traits follow the person; where both sides have a key, the newer value wins.
    await run(
      app.clickhouse,
      `INSERT INTO profile_traits SELECT workspace_id, {into:String}, key, value, updated_at FROM profile_traits
       WHERE workspace_id = {ws:String} AND profile_id = {from:String}`,
      { ws: workspaceId, from, into },
    );
    merges.push({ from, into, reason });
  };
  const hasUserId = async (profile: string) => {
    for (const v of known.values()) if (v.profile === profile && v.kind === 'user') return true;
    await flush();
    const rows = await selectRows<{ n: string }>(
      app.clickhouse,
      `SELECT count() AS n FROM identities WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND kind = 'user'`,
      { ws: workspaceId, p: profile },
    );
    return Number(rows[0]?.n ?? 0) > 0;
  };

  for (const l of links) {
    const messageId = l.messageId ?? '';
    const aliasTo = l.userId || l.anonymousId;
    if (l.previousId && aliasTo) {
      // alias: the previous id's profile becomes part of the new id's profile.
      const kind = l.userId ? 'user' : 'anonymous';
      const prev = known.get(l.previousId);
      const next = known.get(aliasTo);
      if (!prev && !next) {
        const p = profileIdFor(workspaceId, l.previousId);
        link(l.previousId, p, 'user');
        link(aliasTo, p, kind);
      } else if (!next) link(aliasTo, prev!.profile, kind);
      else if (!prev) link(l.previousId, next.profile, 'user');
      else if (prev.profile !== next.profile) await merge(prev.profile, next.profile, 'alias', messageId);
      continue;
    }
    const u = l.userId || undefined;
    const a = l.anonymousId || undefined;
    const pu = u ? known.get(u) : undefined;
    const pa = a ? known.get(a) : undefined;
    if (u && a) {
      if (!pu && !pa) {
        const p = profileIdFor(workspaceId, u);
        link(u, p, 'user');
        link(a, p, 'anonymous');
      } else if (!pu) link(u, pa!.profile, 'user');
      else if (!pa) link(a, pu.profile, 'anonymous');
      else if (pu.profile !== pa.profile && !(await hasUserId(pa.profile))) await merge(pa.profile, pu.profile, 'identify', messageId);
    } else if (u && !pu) link(u, profileIdFor(workspaceId, u), 'user');
    else if (a && !pa) link(a, profileIdFor(workspaceId, a), 'anonymous');
  }
  await flush();
  const profileOf = new Map<string, string>();
  for (const id of ids) profileOf.set(id, known.get(id)!.profile);
  return { profileOf, merges };
}

/**
 * The features and memberships of profiles merged away, one delete per table for the whole batch,
 * after the workspace's identity lock is released: a lightweight delete waits for the merges of the
 * parts it touches (seconds on an engine busy with inserts). Until it lands the rows belong to a
 * profile no id links to any more.
 */
async function dropMergedAway(app: App, workspaceId: string, profileIds: string[]): Promise<void> {
  if (profileIds.length === 0) return;
  for (const table of ['profile_features', 'segment_members']) {
    await run(app.clickhouse, `DELETE FROM ${table} WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)}`, { ws: workspaceId, pids: profileIds });
  }
}
