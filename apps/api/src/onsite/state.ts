import type { App } from '../app';
import { BatchLoader } from './batch';
import { activePlacements } from './placements';
import type { PlacementKind } from './tables';
import { profileKey, topics } from '../stores/invalidation';

export interface PendingMessage {
  messageId: string;
  templateId: string;
  journeyId: string;
  nodeId: string;
  kind: PlacementKind;
  html: string;
  /** The template variant it was rendered as ('' for none). */
  variant: string;
  expiresAt: number;
}

/** What decide needs from PostgreSQL about one profile: queued journey messages, recent impressions and dismissals. */
export interface OnsiteState {
  queued: PendingMessage[];
  impressions: Array<{ placementId: string; at: number }>;
  /** The last dismissal of each placement, within the longest `dismissDays` of the workspace. */
  dismissals: Map<string, number>;
}

export const emptyState = (): OnsiteState => ({ queued: [], impressions: [], dismissals: new Map() });

/**
 * Per-profile state, loaded in batches (one set of queries for all profiles asked about meanwhile)
 * and cached for `stateTtlMs`. A write (impression, consumption, dismissal, a message queued by a
 * worker) updates this process's copy and drops the other processes' copies (cross-process
 * invalidation), so the visitor's next page view sees it whichever process serves it; the TTL
 * bounds staleness only while a process misses those messages.
 */
export const stateTtlMs = 15_000;
/** Past the TTL the cached state still answers (and is refreshed in the background) for this long. */
export const stateStaleMs = 30 * 60_000;

async function fetchStates(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, OnsiteState>> {
  const placements = await activePlacements(app, workspaceId);
  const longest = Math.max(0, ...placements.map((p) => p.rules.frequency?.days ?? 0));
  const longestDismissal = Math.max(0, ...placements.map((p) => p.rules.dismissDays));
  const db = app.postgres.db;
  const [queued, impressions, dismissals] = await Promise.all([
    db
      .selectFrom('onsite_queue')
      .select(['profile_id', 'message_id', 'template_id', 'journey_id', 'node_id', 'kind', 'html', 'variant', 'expires_at'])
      .where('workspace_id', '=', workspaceId)
      .where('profile_id', 'in', profileIds)
      .where('shown_at', 'is', null)
      .where('expired_at', 'is', null)
      .orderBy('created_at')
      .execute(),
    longest === 0
      ? Promise.resolve([])
      : db
          .selectFrom('onsite_impressions')
          .select(['profile_id', 'placement_id', 'shown_at'])
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', profileIds)
          .where('shown_at', '>', new Date(Date.now() - longest * 86_400_000))
          .execute(),
    longestDismissal === 0
      ? Promise.resolve([])
      : db
          .selectFrom('onsite_dismissals')
          .select(['profile_id', 'placement_id', 'dismissed_at'])
          .where('workspace_id', '=', workspaceId)
          .where('profile_id', 'in', profileIds)
          .where('dismissed_at', '>', new Date(Date.now() - longestDismissal * 86_400_000))
          .execute(),
  ]);
  const out = new Map<string, OnsiteState>();
  const of = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = emptyState()));
    return s;
  };
  for (const r of queued) {
    of(r.profile_id).queued.push({ messageId: r.message_id, templateId: r.template_id, journeyId: r.journey_id, nodeId: r.node_id, kind: r.kind, html: r.html, variant: r.variant, expiresAt: new Date(r.expires_at).getTime() });
  }
  for (const r of impressions) of(r.profile_id).impressions.push({ placementId: r.placement_id, at: new Date(r.shown_at).getTime() });
  for (const r of dismissals) of(r.profile_id).dismissals.set(r.placement_id, new Date(r.dismissed_at).getTime());
  return out;
}

const loaders = new WeakMap<App, BatchLoader<OnsiteState>>();

function loaderOf(app: App): BatchLoader<OnsiteState> {
  let l = loaders.get(app);
  if (!l) {
    const created = (l = new BatchLoader<OnsiteState>((ws, ids) => fetchStates(app, ws, ids), emptyState, () => stateTtlMs, stateTtlMs, stateStaleMs));
    loaders.set(app, created);
    // Another process wrote: a fresh look-up starts now, so the visitor's next page view here finds it done.
    app.invalidation.subscribe(topics.onsiteState, (key) => {
      const cut = key.indexOf('\u0000');
      created.refreshKey(key.slice(0, cut), key.slice(cut + 1));
    });
  }
  return l;
}

export function onsiteState(app: App, workspaceId: string, profileId: string): Promise<OnsiteState> {
  return loaderOf(app).load(workspaceId, profileId);
}

/**
 * Applies a local write to this process's cached state, if it holds one, and drops the other
 * processes' copies (unless `others` is false: a change no other process's decide depends on).
 */
export async function updateState(app: App, workspaceId: string, profileId: string, change: (s: OnsiteState) => void, others = true): Promise<void> {
  if (others) app.invalidation.publish(topics.onsiteState, profileKey(workspaceId, profileId), { here: false });
  const cached = loaderOf(app).peek(workspaceId, profileId);
  if (!cached) return;
  try {
    change(await cached);
  } catch {
    loaderOf(app).forgetKey(workspaceId, profileId);
  }
}

/** Drops the profile's cached state in every process. */
export function forgetState(app: App, workspaceId: string, profileId: string): void {
  app.invalidation.publish(topics.onsiteState, profileKey(workspaceId, profileId));
}
