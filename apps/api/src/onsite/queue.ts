import { createHash } from 'node:crypto';
import type { Channel, OutgoingMessage, SendOutcome } from '@overture/journeys';
import type { App } from '../app-handle';
import { getTemplateForSend, recipientFromView, templateContext, withVariant } from '../templates';
import { renderLiquid } from '../templates/render';
import { recordOutcomes, type MessageOutcome } from '../channels/outcomes';
import { sendVariant } from '../channels/variants';
import { blockedReason } from '../channels/consent';
import { sanitize } from './render';
import type { PlacementKind } from './tables';
import { viewQueued, viewUnqueued } from './state-view';

export const defaultQueueTtlDays = 7;

export async function queueTtlDays(app: App, workspaceId: string): Promise<number> {
  const row = await app.postgres.db.selectFrom('onsite_settings').select('queue_ttl_days').where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.queue_ttl_days ?? defaultQueueTtlDays;
}

export async function saveOnsiteSettings(app: App, workspaceId: string, settings: { queueTtlDays: number }): Promise<{ queueTtlDays: number }> {
  await app.postgres.db
    .insertInto('onsite_settings')
    .values({ workspace_id: workspaceId, queue_ttl_days: settings.queueTtlDays })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ queue_ttl_days: settings.queueTtlDays, updated_at: new Date() }))
    .execute();
  return { queueTtlDays: settings.queueTtlDays };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The journey engine's onsite channel: a message is rendered with the profile the journey holds,
 * sanitised, and queued for the profile's next page view; decide shows it until it is seen once or
 * its time (the workspace's `queue_ttl_days`, 7 by default) runs out. Queueing twice with one
 * idempotency key stores one message, so the channel is idempotent.
 */
export class OnsiteChannel implements Channel {
  readonly name = 'onsite' as const;
  readonly idempotent = true;
  constructor(private readonly app: App) {}

  // Anyone may visit the site again; whether they do within the message's life is the channel's risk.
  reachable(): true {
    return true;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    const r = await queueOnsiteMessage(this.app, { workspaceId: m.workspaceId, profile: m.profile, template: m.template, idempotencyKey: m.idempotencyKey, journeyId: m.journeyId, nodeId: m.nodeId, ...(m.variant ? { variant: m.variant } : {}) });
    return r.status === 'queued' ? { status: 'sent', providerId: r.messageId } : { status: 'failed', error: `${r.status}: ${r.reason}` };
  }
}

export interface QueueRequest {
  workspaceId: string;
  profile: { id: string; traits: Record<string, unknown>; features?: Record<string, unknown> | null; segments?: string[]; timezone?: string | null };
  template: string;
  idempotencyKey: string;
  journeyId?: string;
  nodeId?: string;
  kind?: PlacementKind;
  now?: Date;
  /** The template variant the journey engine chose; else the profile's assignment. */
  variant?: string;
}

export type QueueResult = { status: 'queued'; messageId: string; expiresAt: Date } | { status: 'skipped'; messageId: string; reason: string };

export const onsiteMessageId = (key: string) => `msg_${createHash('sha256').update(`onsite\u0000${key}`).digest('hex').slice(0, 24)}`;

export async function queueOnsiteMessage(app: App, req: QueueRequest): Promise<QueueResult> {
  const messageId = onsiteMessageId(req.idempotencyKey);
  const template = await getTemplateForSend(app, req.workspaceId, req.template);
  const chosen = sendVariant(app, template, { workspaceId: req.workspaceId, profileId: req.profile.id, variant: req.variant }, 'onsite', messageId);
  const base = { workspaceId: req.workspaceId, messageId, profileId: req.profile.id, channel: 'onsite', ...(req.journeyId ? { journeyId: req.journeyId } : {}), ...(req.nodeId ? { nodeId: req.nodeId } : {}), ...(template ? { templateId: template.id } : {}), ...chosen.outcome };
  const skip = async (reason: string): Promise<QueueResult> => {
    await recordOutcomes(app, [{ ...base, kind: 'skipped', reason }]);
    return { status: 'skipped', messageId, reason };
  };
  if (!template || template.channel !== 'onsite') return skip('no_template');
  const blocked = await blockedReason(app, req.workspaceId, { profileId: req.profile.id, address: null }, 'onsite', template.subscriptionGroup);
  if (blocked) return skip(blocked);

  const context = await templateContext(app, req.workspaceId, recipientFromView(req.profile));
  const content = withVariant(template, chosen.variant);
  const title = (await renderLiquid('subject', content.subject, context)).trim();
  const body = await renderLiquid('body', content.body, context, true);
  const html = sanitize((title ? `<p><strong>${escapeHtml(title)}</strong></p>` : '') + body);
  const now = req.now ?? new Date();
  const expiresAt = new Date(now.getTime() + (await queueTtlDays(app, req.workspaceId)) * 86_400_000);
  const inserted = await app.postgres.db
    .insertInto('onsite_queue')
    .values({
      workspace_id: req.workspaceId,
      message_id: messageId,
      profile_id: req.profile.id,
      template_id: template.id,
      journey_id: req.journeyId ?? '',
      node_id: req.nodeId ?? '',
      kind: req.kind ?? 'slide_in',
      html,
      variant: chosen.variant?.key ?? '',
      created_at: now,
      expires_at: expiresAt,
    })
    .onConflict((oc) => oc.columns(['workspace_id', 'message_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) {
    chosen.exposed();
    await viewQueued(app, req.workspaceId, req.profile.id, { messageId, templateId: template.id, journeyId: req.journeyId ?? '', nodeId: req.nodeId ?? '', kind: req.kind ?? 'slide_in', html, variant: chosen.variant?.key ?? '', expiresAt: expiresAt.getTime() });
    await recordOutcomes(app, [{ ...base, kind: 'sent', at: now }]);
  }
  return { status: 'queued', messageId, expiresAt };
}

/**
 * Marks messages past their time expired, with an `expired` outcome each. Decide calls it when it
 * meets them, so no sweeper is needed: a profile that never returns keeps its rows until it does,
 * or the workspace is deleted.
 */
export async function expireMessages(app: App, workspaceId: string, profileId: string, messageIds: string[], now: Date): Promise<void> {
  await viewUnqueued(app, workspaceId, profileId, messageIds);
  const marked = await app.postgres.db
    .updateTable('onsite_queue')
    .set({ expired_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('message_id', 'in', messageIds)
    .where('expired_at', 'is', null)
    .where('shown_at', 'is', null)
    .returning(['message_id', 'template_id', 'journey_id', 'node_id', 'variant'])
    .execute();
  const outcomes: MessageOutcome[] = marked.map((r) => ({ workspaceId, messageId: r.message_id, profileId, channel: 'onsite', kind: 'expired', templateId: r.template_id, ...(r.journey_id ? { journeyId: r.journey_id } : {}), ...(r.node_id ? { nodeId: r.node_id } : {}), ...(r.variant ? { variant: r.variant } : {}), at: now }));
  await recordOutcomes(app, outcomes);
}

/** Once seen, a queued message is consumed: true when this call consumed it. */
export async function consumeMessage(app: App, workspaceId: string, profileId: string, messageId: string, now = new Date()): Promise<boolean> {
  await viewUnqueued(app, workspaceId, profileId, [messageId]);
  const r = await app.postgres.db
    .updateTable('onsite_queue')
    .set({ shown_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('message_id', '=', messageId)
    .where('shown_at', 'is', null)
    .returning('message_id')
    .execute();
  // Rows returned rather than the driver's count: PGlite's driver reports none for an update.
  return r.length > 0;
}
