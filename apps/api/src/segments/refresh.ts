import type { App } from '../app-handle';
import { chTime, normalizeEvent } from '../ingest/normalize';
import { identitiesOf, profileIdentitiesSql } from '../profiles/identity';
import { profileFactsChanged } from '../profiles';
import { segmentMemberIds } from './members';
import { insertRows, nextVersion, run, selectRows, type Params } from '../stores/clickhouse/sql';
import { compileCondition, membersSql } from './compile';
import { movesWithTime, referencedSegments, type Condition } from './schema';
import { asOfFor } from '../workspaces/as-of';
import { listSegments, markComputed, refreshOrder, type Segment } from './store';

export interface Transition {
  profileId: string;
  entered: boolean;
}

function compiled(definition: Condition, scoped: boolean, workspaceId: string, now: Date, asOf: Date): { sql: string; params: Params } {
  const c = compileCondition(definition, { scoped, now, asOf });
  return { sql: membersSql(c.sql, scoped), params: { ...c.params, ws: workspaceId, now: chTime(now.getTime()) } };
}

/** Several segments' conditions for one query: each one's parameters under its own prefix, added to `params`. */
function compiledTogether(segments: Segment[], options: { scoped: boolean; now: Date; asOf: Date }, params: Params): string[] {
  return segments.map((s, n) => {
    const c = compileCondition(s.definition, { ...options, prefix: `s${n}_` });
    Object.assign(params, c.params);
    return c.sql;
  });
}

/** Live size of a definition that is still being edited. */
export async function estimateSize(app: App, workspaceId: string, definition: Condition): Promise<{ size: number; profiles: number }> {
  const now = new Date();
  const { sql, params } = compiled(definition, false, workspaceId, now, await asOfFor(app.postgres.db, workspaceId, now));
  const rows = await selectRows<{ size: string; profiles: string }>(
    app.clickhouse,
    `SELECT (SELECT count() FROM (${sql})) AS size, (SELECT count() FROM profile_features WHERE workspace_id = {ws:String}) AS profiles`,
    params,
  );
  return { size: Number(rows[0]?.size ?? 0), profiles: Number(rows[0]?.profiles ?? 0) };
}

/** Segments evaluated by one pass over the workspace's profiles: one bit of a UInt64 each. */
const segmentsPerScan = 64;

/**
 * For each segment (all already computed; none refers to another of them), the profiles whose membership
 * differs from what is materialised, with their new state. One scan of the features evaluates every
 * segment's condition into a bit of a mask, and one of the memberships gives the mask materialised,
 * instead of a scan of each per segment.
 */
async function diff(app: App, workspaceId: string, segments: Segment[], now: Date, asOf: Date): Promise<Map<string, Transition[]>> {
  const out = new Map<string, Transition[]>(segments.map((s) => [s.id, []]));
  for (let i = 0; i < segments.length; i += segmentsPerScan) {
    const part = segments.slice(i, i + segmentsPerScan);
    const params: Params = { ws: workspaceId, now: chTime(now.getTime()), sids: part.map((s) => s.id) };
    // Each condition sets its own bit, so their sum is their union.
    const bits = compiledTogether(part, { scoped: false, now, asOf }, params).map((sql, n) => `bitShiftLeft(toUInt64(${sql}), ${n})`);
    const rows = await selectRows<{ profile_id: string; is_in: string; was_in: string }>(
      app.clickhouse,
      `SELECT profile_id, groupBitOr(is_mask) AS is_in, groupBitOr(was_mask) AS was_in FROM (
         SELECT f.profile_id AS profile_id, toUInt64(${bits.join(' + ')}) AS is_mask, toUInt64(0) AS was_mask
         FROM profile_features AS f WHERE f.workspace_id = {ws:String}
         UNION ALL
         SELECT profile_id, toUInt64(0), toUInt64(bitShiftLeft(toUInt64(1), indexOf({sids:Array(String)}, segment_id) - 1)) FROM segment_members
         WHERE workspace_id = {ws:String} AND segment_id IN {sids:Array(String)} AND is_member = 1
       ) GROUP BY profile_id HAVING is_in != was_in`,
      params,
    );
    for (const r of rows) {
      const isIn = BigInt(r.is_in);
      const wasIn = BigInt(r.was_in);
      for (const [n, s] of part.entries()) {
        const bit = 1n << BigInt(n);
        if ((isIn & bit) !== (wasIn & bit)) out.get(s.id)!.push({ profileId: r.profile_id, entered: (isIn & bit) !== 0n });
      }
    }
  }
  return out;
}

/** Writes transitions and emits them as `$segment_entered` / `$segment_exited` events keyed to each profile. */
async function applyTransitions(app: App, segment: Segment, transitions: Transition[], now: Date): Promise<void> {
  if (transitions.length === 0) return;
  const version = await nextVersion(app);
  const at = chTime(now.getTime());
  await insertRows(
    app.clickhouse,
    'segment_members',
    transitions.map((t) => ({ workspace_id: segment.workspaceId, segment_id: segment.id, profile_id: t.profileId, is_member: t.entered ? 1 : 0, version, changed_at: at })),
  );
  const ids = await identitiesOf(app, segment.workspaceId, transitions.map((t) => t.profileId));
  const keyOf = new Map<string, { userId?: string; anonymousId?: string }>();
  for (const i of ids) {
    const current = keyOf.get(i.profile_id);
    if (i.kind === 'user' && !current?.userId) keyOf.set(i.profile_id, { userId: i.distinct_id });
    else if (!current) keyOf.set(i.profile_id, { anonymousId: i.distinct_id });
  }
  const rows = transitions
    .filter((t) => keyOf.has(t.profileId))
    .map((t) =>
      normalizeEvent(
        {
          type: 'track',
          event: t.entered ? '$segment_entered' : '$segment_exited',
          messageId: `seg-${segment.id}-${t.profileId}-${version}`,
          ...keyOf.get(t.profileId),
          timestamp: now.toISOString(),
          properties: { segment_id: segment.id, segment_name: segment.name, profile_id: t.profileId },
        },
        { workspaceId: segment.workspaceId, receivedAt: now.getTime() },
      ),
    );
  await app.writer.write(rows);
}

/**
 * Recomputes one segment over the whole workspace. The first computation of a segment sets its
 * baseline silently (no events for people who were already in it); later ones emit transitions.
 */
export async function refreshSegment(app: App, segment: Segment, now = new Date()): Promise<{ size: number; entered: number; exited: number }> {
  return (await refreshSegments(app, segment.workspaceId, [segment], now)).get(segment.id)!;
}

/**
 * Recomputes segments of a workspace over all of its profiles, those a segment refers to first. The
 * computed segments of a dependency level are evaluated together (see diff); new ones set baselines.
 */
async function refreshSegments(app: App, workspaceId: string, segments: Segment[], now: Date): Promise<Map<string, { size: number; entered: number; exited: number }>> {
  const results = new Map<string, { size: number; entered: number; exited: number }>();
  const asOf = await asOfFor(app.postgres.db, workspaceId, now);
  const done = async (s: Segment, entered: number, exited: number) => {
    const size = await segmentSize(app, workspaceId, s.id);
    await markComputed(app, s, size);
    results.set(s.id, { size, entered, exited });
  };
  for (const level of dependencyLevels(segments)) {
    for (const s of level.filter((x) => x.computedVersion === null)) {
      await setBaseline(app, s, now, asOf);
      await done(s, 0, 0);
    }
    const computed = level.filter((x) => x.computedVersion !== null);
    const transitions = computed.length > 0 ? await diff(app, workspaceId, computed, now, asOf) : new Map<string, Transition[]>();
    for (const s of computed) {
      const ts = transitions.get(s.id) ?? [];
      await applyTransitions(app, s, ts, now);
      await profileFactsChanged(app, workspaceId, { profileIds: ts.map((t) => t.profileId) });
      const entered = ts.filter((t) => t.entered).length;
      await done(s, entered, ts.length - entered);
    }
  }
  return results;
}

async function setBaseline(app: App, segment: Segment, now: Date, asOf: Date): Promise<void> {
  const { sql, params } = compiled(segment.definition, false, segment.workspaceId, now, asOf);
  await run(
    app.clickhouse,
    `INSERT INTO segment_members (workspace_id, segment_id, profile_id, is_member, version, changed_at)
     SELECT {ws:String}, {sid:String}, profile_id, 1, {version:UInt64}, {now:DateTime64(3)} FROM (${sql})`,
    { ...params, sid: segment.id, version: await nextVersion(app) },
  );
  // Silent for journeys, but copies of who is in which segment (decide's view) learn the baseline.
  await profileFactsChanged(app, segment.workspaceId, { profileIds: await segmentMemberIds(app, segment.workspaceId, segment.id) });
}

export async function segmentSize(app: App, workspaceId: string, segmentId: string): Promise<number> {
  const rows = await selectRows<{ n: string }>(
    app.clickhouse,
    `SELECT count() AS n FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {sid:String} AND is_member = 1`,
    { ws: workspaceId, sid: segmentId },
  );
  return Number(rows[0]?.n ?? 0);
}

export async function refreshWorkspaceSegments(app: App, workspaceId: string): Promise<void> {
  await refreshSegments(app, workspaceId, await listSegments(app, workspaceId), new Date());
}

/** Profiles per real-time evaluation of a changed-profiles refresh: their ids are the statements' parameters. */
const changedChunk = 20_000;

/**
 * After an incremental feature pass, whose only changed rows are `profileIds`'s: a segment whose
 * members move only with their data is evaluated for those profiles alone (the real-time path, which
 * gives a full refresh's answer, as no other profile's data changed); one whose windows move with
 * time, that refers to such a segment, or that is new or edited since it was computed is refreshed in
 * full after them. Returns the profiles that entered or left a segment evaluated for them.
 */
export async function refreshChangedSegments(app: App, workspaceId: string, profileIds: string[]): Promise<string[]> {
  const now = new Date();
  const ordered = refreshOrder(await listSegments(app, workspaceId));
  const whole = new Set<string>();
  for (const s of ordered) if (s.computedVersion !== s.version || movesWithTime(s.definition, (id) => whole.has(id))) whole.add(s.id);
  const scoped = ordered.filter((s) => !whole.has(s.id));
  const moved: string[] = [];
  if (scoped.length > 0) {
    for (let i = 0; i < profileIds.length; i += changedChunk) {
      for (const t of await refreshProfilesSegments(app, workspaceId, profileIds.slice(i, i + changedChunk), scoped)) moved.push(t.profileId);
    }
    for (const s of scoped) await markComputed(app, s, await segmentSize(app, workspaceId, s.id));
  }
  await refreshSegments(app, workspaceId, ordered.filter((s) => whole.has(s.id)), now);
  return moved;
}

/** Segments grouped so that each group depends only on earlier groups. */
function dependencyLevels(segments: Segment[]): Segment[][] {
  const ids = new Set(segments.map((s) => s.id));
  const level = new Map<string, number>();
  const levels: Segment[][] = [];
  for (const s of refreshOrder(segments)) {
    const deps = referencedSegments(s.definition).filter((d) => ids.has(d));
    const l = deps.length ? Math.max(...deps.map((d) => level.get(d) ?? 0)) + 1 : 0;
    level.set(s.id, l);
    (levels[l] ??= []).push(s);
  }
  return levels.filter(Boolean);
}

/**
 * The real-time path: re-evaluates every materialised segment (or those of `only`) for a few profiles,
 * all segments of a dependency level in one query, and writes and emits the transitions.
 */
export async function refreshProfilesSegments(app: App, workspaceId: string, profileIds: string[], only?: Segment[]): Promise<Transition[]> {
  if (profileIds.length === 0) return [];
  const segments = (only ?? (await listSegments(app, workspaceId))).filter((s) => s.computedVersion !== null);
  if (segments.length === 0) return [];
  const now = new Date();
  // The profiles' distinct ids and current memberships in one round trip (queries run one at a time
  // on the embedded engine). Reading every level's memberships up front is the same as reading them
  // level by level: a level's transitions only write rows of its own segments. Memberships are read
  // without FINAL (the newest version decides), so the profile-ordered projection can serve them.
  const [state] = await selectRows<{ ids: string[]; idPids: string[]; current: string[] }>(
    app.clickhouse,
    `SELECT groupArray(distinct_id) AS ids, groupArray(profile_id) AS idPids,
       (SELECT groupArray(concat(segment_id, '\\0', profile_id)) FROM (
          SELECT segment_id, profile_id FROM segment_members
          WHERE workspace_id = {ws:String} AND segment_id IN {sids:Array(String)} AND profile_id IN {pids:Array(String)}
          GROUP BY segment_id, profile_id HAVING argMax(is_member, version) = 1 SETTINGS final = 0)) AS current
     FROM (${profileIdentitiesSql})`,
    { ws: workspaceId, pids: profileIds, sids: segments.map((s) => s.id) },
  );
  const isIn = new Set(state?.current ?? []);
  const asOf = await asOfFor(app.postgres.db, workspaceId, now);
  const shared = { ws: workspaceId, now: chTime(now.getTime()), pids: profileIds, ids: state?.ids ?? [], idPids: state?.idPids ?? [] };
  const all: Transition[] = [];
  for (const level of dependencyLevels(segments)) {
    const params: Params = { ...shared };
    const flags = compiledTogether(level, { scoped: true, now, asOf }, params).map((sql) => `toUInt8(${sql})`);
    // PREWHERE on the sorting key drops other profiles' rows before FINAL merges the granules read
    // (exact: all versions of a profile share its key), instead of merging every column of them.
    const evaluated = await selectRows<{ profile_id: string; flags: number[] }>(
      app.clickhouse,
      `SELECT f.profile_id AS profile_id, [${flags.join(', ')}] AS flags FROM profile_features AS f
       PREWHERE f.workspace_id = {ws:String} AND f.profile_id IN {pids:Array(String)}`,
      params,
    );
    const flagsOf = new Map(evaluated.map((e) => [e.profile_id, e.flags]));
    for (const [n, s] of level.entries()) {
      const transitions: Transition[] = [];
      for (const pid of profileIds) {
        const member = Number(flagsOf.get(pid)?.[n] ?? 0) === 1;
        if (member !== isIn.has(`${s.id}\u0000${pid}`)) transitions.push({ profileId: pid, entered: member });
      }
      await applyTransitions(app, s, transitions, now);
      all.push(...transitions);
    }
  }
  return all;
}
