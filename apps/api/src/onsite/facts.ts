import type { App } from '../app';
import { identitiesFor, profileIdFor } from '../profiles';
import { BatchLoader } from './batch';
import { mayBeKnown } from './known-ids';
import { lookupSettings } from './lookup-settings';

export { lookupSettings } from './lookup-settings';
import { profileKey, topics } from '../stores/invalidation';

/**
 * Who a visitor is and which segments they belong to, for decide's hot path.
 *
 * The profiles contract (`findProfileId`, `isInSegment`, `getProfile`) answers one profile per
 * ClickHouse query; on the embedded engine a query costs ~3 ms and queries run one at a time, so at
 * 1,000 decides a second a query per request cannot keep up. Here concurrent look-ups of a workspace
 * share one query (while one runs, the next batch gathers, as the event writer's group commit does),
 * and answers are cached briefly. A segment entered or left in real time (any process) replaces the
 * visitor's cached answer at once, so their next page view sees it; changes not announced (a
 * scheduled refresh moving many profiles at once) are seen within `factsTtlMs`.
 * The batch query itself is the profiles domain's (`identitiesFor`).
 */
export const factsTtlMs = 15_000;
/** How long an older answer is still served (while a fresh one is fetched) to a returning visitor. */
export const factsStaleMs = 30 * 60_000;

export interface Identity {
  profileId: string;
  /** False for an id no event has linked yet: the profile it will get is known, but nothing about it. */
  known: boolean;
  segments: ReadonlySet<string>;
  traits: Record<string, unknown>;
}


// Per batch, one query of the profiles domain (identitiesFor), at decide's look-up priority.
async function fetchIdentities(app: App, workspaceId: string, ids: string[]): Promise<Map<string, Identity>> {
  const found = await identitiesFor(app, workspaceId, ids, lookupSettings);
  const out = new Map<string, Identity>();
  for (const [id, identity] of found) out.set(id, { ...identity, known: true });
  return out;
}

// Not linked yet: the profile this id will create is derived from it (see profileIdFor).
const unlinked = (workspaceId: string, id: string): Identity => ({ profileId: profileIdFor(workspaceId, id), known: false, segments: new Set(), traits: {} });

const loaders = new WeakMap<App, BatchLoader<Identity>>();
const maxIndexed = 200_000;

function loaderOf(app: App): BatchLoader<Identity> {
  let l = loaders.get(app);
  if (!l) {
    // Which cached ids answer for a profile: a membership change names the profile, the cache is by id.
    const idsOfProfile = new Map<string, Set<string>>();
    const remember = (workspaceId: string, id: string, identity: Identity) => {
      const k = profileKey(workspaceId, identity.profileId);
      let ids = idsOfProfile.get(k);
      if (!ids) {
        if (idsOfProfile.size >= maxIndexed) idsOfProfile.clear();
        idsOfProfile.set(k, (ids = new Set()));
      }
      ids.add(id);
    };
    const created = new BatchLoader<Identity>(
      async (ws, ids) => {
        const found = await fetchIdentities(app, ws, ids);
        for (const id of ids) remember(ws, id, found.get(id) ?? unlinked(ws, id));
        return found;
      },
      unlinked,
      // An id not linked yet keeps its derived profile id once linked, so its answer ages like the others.
      () => factsTtlMs,
      factsTtlMs,
      factsStaleMs,
    );
    // A visitor who entered or left a segment (or whose profile was merged into another) gets it on
    // their next page view, served by any process: the cached answer is replaced by a look-up
    // started now, done before that view comes.
    app.invalidation.subscribe(topics.profileFacts, (key) => {
      const ids = idsOfProfile.get(key);
      if (!ids) return;
      const workspaceId = key.slice(0, key.indexOf('\u0000'));
      for (const id of ids) created.refreshKey(workspaceId, id);
    });
    loaders.set(app, (l = created));
  }
  return l;
}

/** The visitor's profile: the user id's when it is linked, else the anonymous id's. */
export async function identityOf(app: App, workspaceId: string, ids: { userId?: string | undefined; anonymousId?: string | undefined }): Promise<Identity> {
  const l = loaderOf(app);
  // An id nobody has linked yet (a first page view) needs no look-up: its answer is known.
  const of = (id: string) => (mayBeKnown(app, workspaceId, id) ? l.load(workspaceId, id) : unlinked(workspaceId, id));
  const [byUser, byAnon] = await Promise.all([ids.userId ? of(ids.userId) : null, ids.anonymousId ? of(ids.anonymousId) : null]);
  if (byUser?.known) return byUser;
  if (byAnon?.known) return byAnon;
  return byUser ?? byAnon!;
}

export function forgetFacts(app: App, workspaceId: string): void {
  loaders.get(app)?.forget(workspaceId);
}
