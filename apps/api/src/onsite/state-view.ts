import type { App } from '../app-handle';
import type { PlacementKind } from './tables';
import { stateKeysOf, viewKeys } from './view-keys';

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

/** What decide needs about one profile's onsite history: queued journey messages, recent impressions and dismissals. */
export interface OnsiteState {
  queued: PendingMessage[];
  impressions: Array<{ placementId: string; at: number }>;
  /** The last dismissal of each placement. */
  dismissals: Map<string, number>;
}

export const emptyState = (): OnsiteState => ({ queued: [], impressions: [], dismissals: new Map() });

/**
 * Decide's copy of the onsite tables (queue, impressions, dismissals) in Redis, per profile. Every
 * write to those tables (PostgreSQL stays the record) applies the same change here, as commands that
 * commute (an impression is added once by its show id, a dismissal keeps its latest time, a message
 * is added or removed by id), so writers in several processes need no ordering between them.
 */
const dayMs = 86_400_000;
/** Impressions older than the longest frequency window a rule may have are of no use. */
const keptMs = 366 * dayMs;

// Keeps the later of two dismissal times, in one step.
const keepLatest = `local old = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') if tonumber(ARGV[2]) > old then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end return 1`;

export async function viewImpressions(app: App, workspaceId: string, shows: Array<{ profileId: string; placementId: string; messageId: string; at: number }>): Promise<void> {
  if (shows.length === 0) return;
  const tx = app.redis.multi();
  for (const s of shows) {
    const key = viewKeys.impressions(app, workspaceId, s.profileId);
    tx.zadd(key, s.at, `${s.placementId}\u0000${s.messageId}`);
    tx.zremrangebyscore(key, '-inf', s.at - keptMs);
  }
  await tx.exec();
}

export async function viewDismissals(app: App, workspaceId: string, dismissals: Array<{ profileId: string; placementId: string; at: number }>): Promise<void> {
  if (dismissals.length === 0) return;
  const tx = app.redis.multi();
  for (const d of dismissals) tx.eval(keepLatest, 1, viewKeys.dismissals(app, workspaceId, d.profileId), d.placementId, String(d.at));
  await tx.exec();
}

export async function viewQueued(app: App, workspaceId: string, profileId: string, message: PendingMessage): Promise<void> {
  await app.redis.hset(viewKeys.queued(app, workspaceId, profileId), message.messageId, JSON.stringify(message));
}

/** Messages shown or expired leave the view. */
export async function viewUnqueued(app: App, workspaceId: string, profileId: string, messageIds: string[]): Promise<void> {
  if (messageIds.length) await app.redis.hdel(viewKeys.queued(app, workspaceId, profileId), ...messageIds);
}

export function parseState(impressions: string[], dismissals: Record<string, string>, queued: Record<string, string>): OnsiteState {
  const s = emptyState();
  for (let i = 0; i < impressions.length; i += 2) s.impressions.push({ placementId: impressions[i]!.slice(0, impressions[i]!.indexOf('\u0000')), at: Number(impressions[i + 1]) });
  for (const [placementId, at] of Object.entries(dismissals)) s.dismissals.set(placementId, Number(at));
  s.queued = Object.values(queued).map((m) => JSON.parse(m) as PendingMessage).sort((a, b) => a.expiresAt - b.expiresAt || a.messageId.localeCompare(b.messageId));
  return s;
}

/**
 * Rebuilds the workspace's state view from PostgreSQL (part of the scheduled full rebuild): state
 * written before the view existed, or while Redis missed a write, is in it again afterwards.
 */
export async function rebuildStateView(app: App, workspaceId: string): Promise<void> {
  const db = app.postgres.db;
  const since = new Date(Date.now() - keptMs);
  const [queued, impressions, dismissals] = await Promise.all([
    db.selectFrom('onsite_queue').select(['profile_id', 'message_id', 'template_id', 'journey_id', 'node_id', 'kind', 'html', 'variant', 'expires_at']).where('workspace_id', '=', workspaceId).where('shown_at', 'is', null).where('expired_at', 'is', null).execute(),
    db.selectFrom('onsite_impressions').select(['profile_id', 'placement_id', 'message_id', 'shown_at']).where('workspace_id', '=', workspaceId).where('shown_at', '>', since).execute(),
    db.selectFrom('onsite_dismissals').select(['profile_id', 'placement_id', 'dismissed_at']).where('workspace_id', '=', workspaceId).where('dismissed_at', '>', since).execute(),
  ]);
  await viewImpressions(app, workspaceId, impressions.map((r) => ({ profileId: r.profile_id, placementId: r.placement_id, messageId: r.message_id, at: new Date(r.shown_at).getTime() })));
  await viewDismissals(app, workspaceId, dismissals.map((r) => ({ profileId: r.profile_id, placementId: r.placement_id, at: new Date(r.dismissed_at).getTime() })));
  if (queued.length === 0) return;
  const tx = app.redis.multi();
  for (const r of queued) {
    const message: PendingMessage = { messageId: r.message_id, templateId: r.template_id, journeyId: r.journey_id, nodeId: r.node_id, kind: r.kind, html: r.html, variant: r.variant, expiresAt: new Date(r.expires_at).getTime() };
    tx.hset(viewKeys.queued(app, workspaceId, r.profile_id), r.message_id, JSON.stringify(message));
  }
  await tx.exec();
}

/** GDPR erasure: the profile's state view. */
export async function eraseStateView(app: App, workspaceId: string, profileId: string): Promise<void> {
  await app.redis.del(...stateKeysOf(app, workspaceId, profileId));
}
