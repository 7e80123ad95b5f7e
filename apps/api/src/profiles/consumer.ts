import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import { refreshProfileFeatures } from './features';
import { resolveLinks } from './identity';
import { applyTraits, type TraitUpdate } from './traits';
import { profileFactsChanged } from './profile-facts';

/** Profiles per statement of a refresh: each statement's cost is mostly fixed, a read of their events through FINAL. */
const chunk = 5_000;

function parseTraits(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** What runs after a chunk of profiles has fresh features (segment membership, wired by the worker: segments read profiles, not the other way). */
export type AfterProfilesRefreshed = (app: App, workspaceId: string, profileIds: string[]) => Promise<unknown>;

/** Real-time: identity links and traits from each batch, then fresh features (and `after`, e.g. segments) for the people it touched, then the copies of their facts. */
export async function consumeProfileEvents(app: App, events: LiveEvent[], after?: AfterProfilesRefreshed): Promise<void> {
  const byWorkspace = new Map<string, LiveEvent[]>();
  for (const e of events) {
    // Segment transitions are our own output; re-reading them would only recompute the same profile.
    if (e.event.startsWith('$segment_')) continue;
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(e);
    byWorkspace.set(e.workspaceId, list);
  }
  for (const [workspaceId, list] of byWorkspace) {
    const { profileOf, merges } = await resolveLinks(
      app,
      workspaceId,
      list.map((e) => ({
        userId: e.userId || undefined,
        anonymousId: e.anonymousId || undefined,
        previousId: e.type === 'alias' ? e.previousId || undefined : undefined,
        messageId: e.messageId,
      })),
    );
    const traits: TraitUpdate[] = [];
    const touched = new Set<string>(merges.map((m) => m.into));
    for (const e of list) {
      const profileId = profileOf.get(e.distinctId);
      if (!profileId) continue;
      touched.add(profileId);
      if (e.type === 'identify') traits.push({ profileId, traits: parseTraits(e.traits), at: e.timestamp });
    }
    await applyTraits(app, workspaceId, traits);
    const ids = [...touched];
    // Batches of one workspace processed side by side share a refresh: each run's fixed cost (every
    // statement reads the profiles' events through FINAL) is paid once for all of them.
    await app.services.profileRefreshes.run(refreshKey(workspaceId, after), ids, (all) => refreshTouched(app, workspaceId, all, after));
    // A profile merged away is gone: its copies are dropped.
    await profileFactsChanged(app, workspaceId, { profileIds: merges.map((m) => m.from) });
  }
}

/** Features, then `after` (segments), then the copies of their facts, for the given profiles, a chunk at a time. */
async function refreshTouched(app: App, workspaceId: string, ids: string[], after?: AfterProfilesRefreshed): Promise<void> {
  for (let i = 0; i < ids.length; i += chunk) {
    const part = ids.slice(i, i + chunk);
    await refreshProfileFeatures(app, workspaceId, part);
    await after?.(app, workspaceId, part);
    // Copies of who is who (decide's view) follow once segments are fresh too.
    await profileFactsChanged(app, workspaceId, { profileIds: part });
  }
}

const afterIds = new WeakMap<AfterProfilesRefreshed, number>();
let nextAfterId = 1;

/** Refreshes share a run only when they do the same work: the same workspace and the same `after`. */
function refreshKey(workspaceId: string, after?: AfterProfilesRefreshed): string {
  if (!after) return workspaceId;
  let id = afterIds.get(after);
  if (id === undefined) afterIds.set(after, (id = nextAfterId++));
  return `${workspaceId}\u0000${id}`;
}
