import type { App } from '../app';
import { profileIdFor } from '../profiles';
import { selectRows } from '../profiles/sql';
import { BatchLoader } from './batch';

/**
 * Who a visitor is and which segments they belong to, for decide's hot path.
 *
 * The profiles contract (`findProfileId`, `isInSegment`, `getProfile`) answers one profile per
 * ClickHouse query; on the embedded engine a query costs ~3 ms and queries run one at a time, so at
 * 1,000 decides a second a query per request cannot keep up. Here concurrent look-ups of a workspace
 * share one query (while one runs, the next batch gathers, as the event writer's group commit does),
 * and answers are cached briefly: a segment entered is seen by decide within `factsTtlMs`.
 * The SQL reads the profiles domain's tables (`identities`, `segment_members`, `profile_traits`) the
 * way its own queries do (FINAL, as every query of the client); it belongs in that contract as a batch call once a second caller needs it.
 */
export const factsTtlMs = 15_000;

export interface Identity {
  profileId: string;
  /** False for an id no event has linked yet: the profile it will get is known, but nothing about it. */
  known: boolean;
  segments: ReadonlySet<string>;
  traits: Record<string, unknown>;
}

// Per batch: which profiles the ids belong to (the identities key, cheap), then, only for ids that
// are known, their segments and traits together (one query joining all three cost about a third
// more, and most of a busy site's unknown visitors need no second query at all).
async function fetchIdentities(app: App, workspaceId: string, ids: string[]): Promise<Map<string, Identity>> {
  const links = await selectRows<{ distinct_id: string; profile_id: string }>(
    app.clickhouse,
    `SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String} AND distinct_id IN {ids:Array(String)}`,
    { ws: workspaceId, ids },
  );
  const out = new Map<string, Identity>();
  if (links.length === 0) return out;
  const profileIds = [...new Set(links.map((l) => l.profile_id))];
  const [memberships, traitRows] = await Promise.all([
    // is_member is read, not filtered on: the latest row of a membership decides (as isInSegment reads it).
    selectRows<{ profile_id: string; segment_id: string; is_member: number }>(
      app.clickhouse,
      `SELECT profile_id, segment_id, is_member FROM segment_members WHERE workspace_id = {ws:String} AND profile_id IN {p:Array(String)}`,
      { ws: workspaceId, p: profileIds },
    ),
    selectRows<{ profile_id: string; key: string; value: string }>(
      app.clickhouse,
      `SELECT profile_id, key, value FROM profile_traits WHERE workspace_id = {ws:String} AND profile_id IN {p:Array(String)}`,
      { ws: workspaceId, p: profileIds },
    ),
  ]);
  const byProfile = new Map(profileIds.map((id) => [id, { segments: new Set<string>(), traits: {} as Record<string, unknown> }]));
  for (const m of memberships) if (Number(m.is_member) === 1) byProfile.get(m.profile_id)?.segments.add(m.segment_id);
  for (const t of traitRows) {
    const traits = byProfile.get(t.profile_id)?.traits;
    if (!traits) continue;
    try {
      traits[t.key] = JSON.parse(t.value) as unknown;
    } catch {
      traits[t.key] = t.value;
    }
  }
  for (const l of links) {
    const p = byProfile.get(l.profile_id)!;
    out.set(l.distinct_id, { profileId: l.profile_id, known: true, segments: p.segments, traits: p.traits });
  }
  return out;
}

const loaders = new WeakMap<App, BatchLoader<Identity>>();

function loaderOf(app: App): BatchLoader<Identity> {
  let l = loaders.get(app);
  if (!l) {
    l = new BatchLoader<Identity>(
      (ws, ids) => fetchIdentities(app, ws, ids),
      // Not linked yet: the profile this id will create is derived from it (see profileIdFor).
      (ws, id) => ({ profileId: profileIdFor(ws, id), known: false, segments: new Set(), traits: {} }),
      // An id not linked yet keeps its derived profile id once linked, so its answer ages like the others.
      () => factsTtlMs,
      factsTtlMs,
    );
    loaders.set(app, l);
  }
  return l;
}

/** The visitor's profile: the user id's when it is linked, else the anonymous id's. */
export async function identityOf(app: App, workspaceId: string, ids: { userId?: string | undefined; anonymousId?: string | undefined }): Promise<Identity> {
  const l = loaderOf(app);
  const [byUser, byAnon] = await Promise.all([ids.userId ? l.load(workspaceId, ids.userId) : null, ids.anonymousId ? l.load(workspaceId, ids.anonymousId) : null]);
  if (byUser?.known) return byUser;
  if (byAnon?.known) return byAnon;
  return byUser ?? byAnon!;
}

export function forgetFacts(app: App, workspaceId: string): void {
  loaders.get(app)?.forget(workspaceId);
}
