import type { App } from '../app-handle';
import { selectRows } from '../stores/clickhouse/sql';
import { profileIdentitiesSql } from './identity';

/** What other domains keep a copy of per profile (onsite's decide view): its ids and traits (segments own memberships). */
export interface ProfileFacts {
  profileId: string;
  distinctIds: string[];
  traits: Record<string, unknown>;
}

/** A trait's stored JSON text as its value (text that is not JSON stays text). */
function traitValue(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}

/**
 * The facts of the given profiles in one query. A profile no id links to any more (merged away,
 * erased) is absent from the answer, so a copy of it can be dropped. Ids and trait keys come in
 * their sort order, as in {@link workspaceProfileFacts}, so both give a profile the same copy.
 */
export async function profileFacts(app: App, workspaceId: string, profileIds: string[]): Promise<ProfileFacts[]> {
  if (profileIds.length === 0) return [];
  const rows = await selectRows<{ t: 'i' | 't'; a: string; b: string; c: string }>(
    app.clickhouse,
    `SELECT t, a, b, c FROM (
       SELECT 'i' AS t, profile_id AS a, distinct_id AS b, '' AS c FROM (${profileIdentitiesSql})
       UNION ALL
       SELECT 't', profile_id, key, argMax(value, updated_at) FROM profile_traits
       WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)} GROUP BY profile_id, key
     ) ORDER BY a, t, b`,
    { ws: workspaceId, pids: profileIds },
  );
  const byProfile = new Map<string, ProfileFacts>();
  const of = (profileId: string) => {
    let p = byProfile.get(profileId);
    if (!p) byProfile.set(profileId, (p = { profileId, distinctIds: [], traits: {} }));
    return p;
  };
  for (const r of rows) {
    if (r.t === 'i') of(r.a).distinctIds.push(r.b);
    else if (r.t === 't') of(r.a).traits[r.b] = traitValue(r.c);
  }
  // Traits left behind by a profile that no id links to are not a profile.
  return [...byProfile.values()].filter((p) => p.distinctIds.length > 0);
}

/**
 * The current identity map grouped by profile, with each profile's latest traits, in profile id order:
 * the rows of `profileFacts` for every profile of the workspace at once.
 */
const workspaceFactsSql = `
SELECT i.profile_id AS p, i.ids AS ids, t.traits AS traits FROM (
  SELECT cur AS profile_id, arraySort(groupArray(distinct_id)) AS ids FROM (
    SELECT distinct_id, argMax(profile_id, version) AS cur FROM identities
    WHERE workspace_id = {ws:String} GROUP BY distinct_id SETTINGS final = 0
  ) GROUP BY profile_id
) AS i
LEFT JOIN (
  SELECT profile_id, arraySort(groupArray((key, value))) AS traits FROM (
    SELECT profile_id, key, argMax(value, updated_at) AS value FROM profile_traits
    WHERE workspace_id = {ws:String} GROUP BY profile_id, key
  ) GROUP BY profile_id
) AS t ON t.profile_id = i.profile_id
ORDER BY p
SETTINGS join_use_nulls = 0`;

/**
 * Every profile's facts, in profile id order, `size` profiles at a time (full rebuilds of copies).
 * One query reads the identity map once: it is ordered by distinct id, so looking up a page of
 * profiles' ids would scan all of it for every page. Rows are parsed as they are consumed.
 */
export async function* workspaceProfileFacts(app: App, workspaceId: string, size: number): AsyncGenerator<ProfileFacts[]> {
  const rs = await app.clickhouse.query({ query: workspaceFactsSql, query_params: { ws: workspaceId }, format: 'JSONCompactEachRow' });
  let page: ProfileFacts[] = [];
  for await (const rows of rs.stream<[string, string[], Array<[string, string]>]>()) {
    for (const row of rows) {
      const [profileId, distinctIds, pairs] = row.json();
      const traits: Record<string, unknown> = {};
      for (const [key, value] of pairs) traits[key] = traitValue(value);
      page.push({ profileId, distinctIds, traits });
      if (page.length === size) {
        yield page;
        page = [];
      }
    }
  }
  if (page.length) yield page;
}

/**
 * Which profiles' facts changed: some by id; those a full pass's window touched (ids and traits it may
 * have set outside the real-time path; null: any profile, as after the first pass), which a copy
 * known to be complete takes by id and another rewrites in full; or the whole workspace.
 */
export type FactsChange = { profileIds: string[] } | { recomputed: string[] | null } | { workspace: true };
export type FactsListener = (app: App, workspaceId: string, change: FactsChange) => Promise<void>;

declare module '../app-handle' {
  interface Services {
    /** Domains that keep a copy of profile facts (onsite's decide view), told of every change; wired in app.ts. */
    factsCopies: readonly FactsListener[];
  }
}

/** Tells the copies that these profiles' ids, segments or traits changed; done when they are updated. */
export async function profileFactsChanged(app: App, workspaceId: string, change: FactsChange): Promise<void> {
  if ('profileIds' in change && change.profileIds.length === 0) return;
  for (const fn of app.services.factsCopies) await fn(app, workspaceId, change);
}
