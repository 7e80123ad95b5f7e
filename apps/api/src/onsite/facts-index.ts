import type { App } from '../app-handle';
import { profileFacts, profileIdsAfter, type FactsChange } from '../profiles';
import { segmentsOfProfiles } from '../segments';
import { viewKeys } from './view-keys';
import { rebuildStateView } from './state-view';

/**
 * Decide's copy of who a visitor is, in Redis: distinct id → profile id (one hash per workspace)
 * and per profile its segments, traits and ids (the profiles domain's ids and traits, the segments
 * domain's memberships, each read through its owner). Written when they change (the profiles domain's
 * real-time consumer, segment refreshes, the scheduled recompute: `profileFactsChanged`, which calls
 * `refreshFactsView` as the app's composition root wires it), so
 * decide reads a few keys and never queries the analytical store on the request path.
 */
export interface ViewFacts {
  /** Segment ids the profile is in. */
  s: string[];
  /** Traits. */
  t: Record<string, unknown>;
  /** Distinct ids linked to the profile (erasure drops their entries of the ids hash). */
  d: string[];
}

/** Profiles per Redis command or transaction. */
const chunk = 500;
/**
 * Profiles per look-up of a change's facts: each look-up's cost is mostly fixed (it scans the
 * workspace's identities for their ids), so the real-time path's large refreshes take few of them.
 */
const lookupChunk = 5_000;
/**
 * Profiles per page of a whole-workspace rebuild: each page's look-ups scan the workspace's identities
 * once, so large pages keep a rebuild's scans few (a million profiles: 50 pages, not 2,000).
 */
const rebuildPage = 20_000;

async function writeFacts(app: App, workspaceId: string, asked: string[]): Promise<void> {
  const found = await profileFacts(app, workspaceId, asked);
  const segments = await segmentsOfProfiles(app, workspaceId, found.map((f) => f.profileId));
  const idsKey = viewKeys.ids(app, workspaceId);
  const fresh = new Set(found.map((f) => f.profileId));
  const distinct = found.flatMap((f) => f.distinctIds.map((id) => [id, f.profileId] as const));
  // An id that now belongs to another profile (a merge) leaves the old profile's copy behind: dropped.
  const orphaned = new Set<string>();
  for (let i = 0; i < distinct.length; i += chunk) {
    const part = distinct.slice(i, i + chunk);
    const before = await app.redis.hmget(idsKey, ...part.map(([id]) => id));
    before.forEach((old, k) => {
      if (old && old !== part[k]![1] && !fresh.has(old)) orphaned.add(old);
    });
  }
  for (const p of asked) if (!fresh.has(p)) orphaned.add(p);
  for (let i = 0; i < found.length; i += chunk) {
    const tx = app.redis.multi();
    const part = found.slice(i, i + chunk);
    for (const f of part) tx.set(viewKeys.facts(app, workspaceId, f.profileId), JSON.stringify({ s: segments.get(f.profileId) ?? [], t: f.traits, d: f.distinctIds } satisfies ViewFacts));
    const ids = part.flatMap((f) => f.distinctIds.map((id) => [id, f.profileId] as const));
    if (ids.length) tx.hset(idsKey, Object.fromEntries(ids));
    await tx.exec();
  }
  if (orphaned.size) {
    const gone = [...orphaned];
    for (let i = 0; i < gone.length; i += chunk) await app.redis.del(...gone.slice(i, i + chunk).map((p) => viewKeys.facts(app, workspaceId, p)));
  }
}

/** Brings the view of these profiles (or of every profile of the workspace) up to date. */
export async function refreshFactsView(app: App, workspaceId: string, change: FactsChange): Promise<void> {
  if ('profileIds' in change) {
    const ids = [...new Set(change.profileIds)];
    for (let i = 0; i < ids.length; i += lookupChunk) await writeFacts(app, workspaceId, ids.slice(i, i + lookupChunk));
    return;
  }
  let after = '';
  for (;;) {
    const page = await profileIdsAfter(app, workspaceId, after, rebuildPage);
    if (page.length === 0) break;
    await writeFacts(app, workspaceId, page);
    after = page.at(-1)!;
  }
  await rebuildStateView(app, workspaceId);
}

/** GDPR erasure: the profile's copy and every id of it that the ids hash holds. */
export async function eraseFactsView(app: App, workspaceId: string, profileId: string): Promise<void> {
  const idsKey = viewKeys.ids(app, workspaceId);
  const factsKey = viewKeys.facts(app, workspaceId, profileId);
  const copy = await app.redis.get(factsKey);
  const ids = new Set<string>(copy ? (JSON.parse(copy) as ViewFacts).d : []);
  // Ids linked after the copy was written are found by value: erasure is rare, a full pass is affordable.
  let cursor = '0';
  do {
    const [next, flat] = await app.redis.hscan(idsKey, cursor, 'COUNT', 1_000);
    for (let i = 0; i < flat.length; i += 2) if (flat[i + 1] === profileId) ids.add(flat[i]!);
    cursor = next;
  } while (cursor !== '0');
  const tx = app.redis.multi().del(factsKey);
  if (ids.size) tx.hdel(idsKey, ...ids);
  await tx.exec();
}
