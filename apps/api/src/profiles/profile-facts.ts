import type { App } from '../app-handle';
import { selectRows } from '../stores/clickhouse/sql';
import { profileIdentitiesSql } from './identity';

/** What other domains keep a copy of per profile (onsite's decide view): its ids and traits (segments own memberships). */
export interface ProfileFacts {
  profileId: string;
  distinctIds: string[];
  traits: Record<string, unknown>;
}

/**
 * The facts of the given profiles in one query. A profile no id links to any more (merged away,
 * erased) is absent from the answer, so a copy of it can be dropped.
 */
export async function profileFacts(app: App, workspaceId: string, profileIds: string[]): Promise<ProfileFacts[]> {
  if (profileIds.length === 0) return [];
  const rows = await selectRows<{ t: 'i' | 't'; a: string; b: string; c: string }>(
    app.clickhouse,
    `SELECT 'i' AS t, profile_id AS a, distinct_id AS b, '' AS c FROM (${profileIdentitiesSql})
     UNION ALL
     SELECT 't', profile_id, key, argMax(value, updated_at) FROM profile_traits
     WHERE workspace_id = {ws:String} AND profile_id IN {pids:Array(String)} GROUP BY profile_id, key`,
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
    else if (r.t === 't') {
      try {
        of(r.a).traits[r.b] = JSON.parse(r.c) as unknown;
      } catch {
        of(r.a).traits[r.b] = r.c;
      }
    }
  }
  // Traits left behind by a profile that no id links to are not a profile.
  return [...byProfile.values()].filter((p) => p.distinctIds.length > 0);
}

/** Profile ids of the workspace in key order after `after`, a page at a time (full rebuilds of copies). */
export async function profileIdsAfter(app: App, workspaceId: string, after: string, limit: number): Promise<string[]> {
  const rows = await selectRows<{ p: string }>(
    app.clickhouse,
    `SELECT DISTINCT profile_id AS p FROM identities FINAL WHERE workspace_id = {ws:String} AND profile_id > {after:String} ORDER BY p LIMIT {limit:UInt32}`,
    { ws: workspaceId, after, limit },
  );
  return rows.map((r) => r.p);
}

/** Which profiles' facts changed: some by id, or the whole workspace (a scheduled recompute). */
export type FactsChange = { profileIds: string[] } | { workspace: true };
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
