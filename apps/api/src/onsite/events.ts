import type { App } from '../app-handle';
import { verifyShow } from './tokens';
import { recordOutcomes, type MessageOutcome } from '../channels/outcomes';
import { isPlacementShow } from './decide';
import { consumeMessage } from './queue';
import { viewDismissals, viewImpressions } from './state-view';
import { sql } from 'kysely';

export const onsiteEventKinds = ['impression', 'click', 'dismiss'] as const;
export type OnsiteEventKind = (typeof onsiteEventKinds)[number];

export interface OnsiteEvent {
  token: string;
  kind: OnsiteEventKind;
  /** Click destination, kept in the outcome's detail. */
  href?: string | undefined;
}

export class OnsiteEventError extends Error {
  constructor(
    readonly status: 400 | 403,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Records what a visitor did with onsite content: one `message_events` row per (message, kind), so it
 * shows in the profile's timeline and the message analytics; an impression also counts towards the
 * placement's frequency cap, or consumes the queued journey message it showed; a dismissal of a
 * placement hides it from the profile for the placement's `dismissDays`.
 */
export async function recordOnsiteEvents(app: App, workspaceId: string, events: OnsiteEvent[], now = new Date()): Promise<number> {
  const outcomes: MessageOutcome[] = [];
  const impressions: Array<{ workspace_id: string; message_id: string; profile_id: string; placement_id: string; shown_at: Date }> = [];
  const consumed: Array<{ profileId: string; messageId: string }> = [];
  // One row per (profile, placement): the statement may not update a row twice.
  const dismissals = new Map<string, { workspace_id: string; profile_id: string; placement_id: string; dismissed_at: Date }>();
  events.forEach((e, i) => {
    const claims = verifyShow(app.config.secret, e.token);
    if (!claims) throw new OnsiteEventError(400, `events[${i}].token: not a valid onsite token`);
    if (claims.w !== workspaceId) throw new OnsiteEventError(403, `events[${i}].token: belongs to another workspace than the key`);
    const { show } = claims;
    outcomes.push({
      workspaceId,
      messageId: show.m,
      profileId: claims.p,
      channel: 'onsite',
      kind: e.kind,
      templateId: show.t,
      ...(show.j ? { journeyId: show.j } : {}),
      ...(show.n ? { nodeId: show.n } : {}),
      ...(show.v ? { variant: show.v } : {}),
      ...(e.kind === 'click' && e.href ? { detail: { href: e.href.slice(0, 2000) } } : {}),
      at: now,
    });
    if (e.kind === 'impression') {
      if (isPlacementShow(show.m)) impressions.push({ workspace_id: workspaceId, message_id: show.m, profile_id: claims.p, placement_id: show.t, shown_at: now });
      else consumed.push({ profileId: claims.p, messageId: show.m });
    }
    if (e.kind === 'dismiss' && isPlacementShow(show.m)) dismissals.set(`${claims.p}\u0000${show.t}`, { workspace_id: workspaceId, profile_id: claims.p, placement_id: show.t, dismissed_at: now });
  });
  if (impressions.length) {
    // A repeated report of one show inserts nothing, and counts nothing.
    const fresh = await app.postgres.db
      .insertInto('onsite_impressions')
      .values(impressions)
      .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
      .returning(['profile_id', 'placement_id', 'message_id'])
      .execute();
    await viewImpressions(app, workspaceId, fresh.map((i) => ({ profileId: i.profile_id, placementId: i.placement_id, messageId: i.message_id, at: now.getTime() })));
  }
  if (dismissals.size) {
    await app.postgres.db
      .insertInto('onsite_dismissals')
      .values([...dismissals.values()])
      .onConflict((oc) => oc.columns(['workspace_id', 'profile_id', 'placement_id']).doUpdateSet({ dismissed_at: sql`GREATEST(onsite_dismissals.dismissed_at, excluded.dismissed_at)` }))
      .execute();
    await viewDismissals(app, workspaceId, [...dismissals.values()].map((d) => ({ profileId: d.profile_id, placementId: d.placement_id, at: now.getTime() })));
  }
  for (const m of consumed) await consumeMessage(app, workspaceId, m.profileId, m.messageId, now);
  await recordOutcomes(app, outcomes);
  return outcomes.length;
}
