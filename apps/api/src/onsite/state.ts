import type { App } from '../app';
import { BatchLoader } from './batch';
import { activePlacements } from './placements';
import type { PlacementKind } from './tables';

export interface PendingMessage {
  messageId: string;
  templateId: string;
  journeyId: string;
  nodeId: string;
  kind: PlacementKind;
  html: string;
  expiresAt: number;
}

/** What decide needs from PostgreSQL about one profile: queued journey messages and recent impressions. */
export interface OnsiteState {
  queued: PendingMessage[];
  impressions: Array<{ placementId: string; at: number }>;
}

/**
 * Per-profile state, loaded in batches (one pair of queries for all profiles asked about meanwhile)
 * and cached for `stateTtlMs`. Impressions and consumptions recorded by this process update the
 * cached copy at once; another API process sees them within the TTL, so across processes a cap may
 * be passed, or a seen message shown again, within those seconds. A message queued by a separate
 * worker process appears within the TTL (for a visitor whose state is cached: on the page view after
 * the one that finds it older than that).
 */
export const stateTtlMs = 15_000;
/** Past the TTL the cached state still answers (and is refreshed in the background) for this long. */
export const stateStaleMs = 30 * 60_000;

async function fetchStates(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, OnsiteState>> {
  const placements = await activePlacements(app, workspaceId);
  const longest = Math.max(0, ...placements.map((p) => p.rules.frequency?.days ?? 0));
  const db = app.postgres.db;
  const [queued, impressions] = await Promise.all([
    db
      .selectFrom('onsite_queue')
      .select(['profile_id', 'message_id', 'template_id', 'journey_id', 'node_id', 'kind', 'html', 'expires_at'])
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
  ]);
  const out = new Map<string, OnsiteState>();
  const of = (id: string) => {
    let s = out.get(id);
    if (!s) out.set(id, (s = { queued: [], impressions: [] }));
    return s;
  };
  for (const r of queued) {
    of(r.profile_id).queued.push({ messageId: r.message_id, templateId: r.template_id, journeyId: r.journey_id, nodeId: r.node_id, kind: r.kind, html: r.html, expiresAt: new Date(r.expires_at).getTime() });
  }
  for (const r of impressions) of(r.profile_id).impressions.push({ placementId: r.placement_id, at: new Date(r.shown_at).getTime() });
  return out;
}

const loaders = new WeakMap<App, BatchLoader<OnsiteState>>();

function loaderOf(app: App): BatchLoader<OnsiteState> {
  let l = loaders.get(app);
  if (!l) loaders.set(app, (l = new BatchLoader<OnsiteState>((ws, ids) => fetchStates(app, ws, ids), () => ({ queued: [], impressions: [] }), () => stateTtlMs, stateTtlMs, stateStaleMs)));
  return l;
}

export function onsiteState(app: App, workspaceId: string, profileId: string): Promise<OnsiteState> {
  return loaderOf(app).load(workspaceId, profileId);
}

/** Applies a local write to the cached state, if this process holds one. */
export async function updateState(app: App, workspaceId: string, profileId: string, change: (s: OnsiteState) => void): Promise<void> {
  const cached = loaderOf(app).peek(workspaceId, profileId);
  if (!cached) return;
  try {
    change(await cached);
  } catch {
    loaderOf(app).forgetKey(workspaceId, profileId);
  }
}

export function forgetState(app: App, workspaceId: string, profileId: string): void {
  loaderOf(app).forgetKey(workspaceId, profileId);
}
