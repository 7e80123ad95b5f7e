import { createHash, randomUUID } from 'node:crypto';
import type { App } from '../../app-handle';
import { composeEmail, readsRecommendationList, getTemplate, getTemplateForSend, loadRecipient, recipientFromView, templateContext, withVariant, type TrackingClaims, type TriggerEventInput } from '../../templates';
import { sendVariant } from '../variants';
import { blockedReason, suppress } from '../consent';
import { recordOutcomes, type MessageOutcome } from '../outcomes';
import { senderForSend } from './senders';
import { getSmtpSettings, type SmtpSettings } from './settings';
import { transportFor } from './transport';
import { beginSend, markSent, relayDeliveryLog } from './send-ledger';

/** What every channel's send gets: who, which template, why (the journey's event and node). */
export interface MessageRequest {
  workspaceId: string;
  profileId: string;
  /** Template id or name. */
  template: string;
  event?: TriggerEventInput;
  /** Stable key of this send (a journey's run and node): the message id derives from it. */
  idempotencyKey?: string;
  /** The profile as the caller already has it (journeys do); else it is loaded. */
  profile?: { id: string; traits: Record<string, unknown>; features?: Record<string, unknown> | null; segments?: string[]; timezone?: string | null };
  journeyId?: string;
  nodeId?: string;
  /** The template variant the journey engine chose (see templates/variants.ts); else the profile's assignment. */
  variant?: string;
}

export type EmailRequest = MessageRequest;

export type EmailResult =
  /** `reconciled`: an earlier attempt of this Message-ID already reached the relay; nothing was sent now. */
  | { status: 'sent'; messageId: string; providerId: string; reconciled?: boolean }
  | { status: 'skipped'; messageId: string; reason: string }
  | { status: 'bounced'; messageId: string; reason: string }
  | { status: 'failed'; messageId: string; reason: string };

export const messageIdFor = (key: string) => `msg_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

/** SMTP replies in the 5xx range reject the address for good: a hard bounce. */
function isHardBounce(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Renders a template for one profile and sends it through the workspace's SMTP server, unless the
 * profile unsubscribed or the address is suppressed. Every outcome lands in ClickHouse.
 */
export async function sendEmail(app: App, req: EmailRequest): Promise<EmailResult> {
  const messageId = req.idempotencyKey ? messageIdFor(req.idempotencyKey) : messageIdFor(randomUUID());
  const template = await getTemplateForSend(app, req.workspaceId, req.template);
  const chosen = sendVariant(app, template, req, 'email', messageId);
  const base = { workspaceId: req.workspaceId, messageId, profileId: req.profileId, channel: 'email', ...(req.journeyId ? { journeyId: req.journeyId } : {}), ...(req.nodeId ? { nodeId: req.nodeId } : {}), ...chosen.outcome };
  const finish = async (result: EmailResult, outcomes: Array<Omit<MessageOutcome, keyof typeof base>>): Promise<EmailResult> => {
    await recordOutcomes(app, outcomes.map((o) => ({ ...base, ...(template ? { templateId: template.id } : {}), ...o })));
    return result;
  };
  const skip = (reason: string) => finish({ status: 'skipped', messageId, reason }, [{ kind: 'skipped', reason }]);

  if (!template || template.channel !== 'email') return skip('no_template');
  const profile = req.profile ? recipientFromView(req.profile) : await loadRecipient(app, req.workspaceId, req.profileId);
  if (!profile) return skip('no_profile');
  if (!profile.email) return skip('no_email');
  const blocked = await blockedReason(app, req.workspaceId, { profileId: profile.id, address: profile.email }, 'email', template.subscriptionGroup);
  if (blocked) return skip(blocked);
  const settings = await getSmtpSettings(app, req.workspaceId);
  if (!settings) return skip('no_email_settings');
  const identity = await identityFor(app, req.workspaceId, template.senderId, settings, chosen.variant?.senderName);

  const claims: TrackingClaims = {
    w: req.workspaceId,
    m: messageId,
    p: profile.id,
    c: 'email',
    t: template.id,
    ...(template.subscriptionGroup ? { g: template.subscriptionGroup } : {}),
    ...(req.journeyId ? { j: req.journeyId } : {}),
    ...(req.nodeId ? { n: req.nodeId } : {}),
    ...chosen.claims,
  };
  const content = withVariant(template, chosen.variant);
  const context = await templateContext(app, req.workspaceId, profile, req.event, { kind: 'message', id: template.id, readsList: readsRecommendationList(content.body) });
  const email = await composeEmail(content, context, { appSecret: app.config.secret, publicUrl: app.config.publicUrl, claims });
  const headerId = `<${messageId}@overture>`;
  if (req.idempotencyKey) {
    // Recorded before the SMTP transaction: a crash during it leaves the send in doubt, not forgotten.
    const attempt = await beginSend(app, req.workspaceId, profile.id, messageId);
    if (attempt.state === 'sent') {
      chosen.exposed();
      return finish({ status: 'sent', messageId, providerId: headerId, reconciled: true }, [{ kind: 'sent' }]);
    }
    if (attempt.state === 'in_doubt' && (await relayDeliveryLog(app).wasAccepted(req.workspaceId, messageId))) {
      await markSent(app, messageId);
      chosen.exposed();
      return finish({ status: 'sent', messageId, providerId: headerId, reconciled: true }, [{ kind: 'sent' }, { kind: 'delivered', detail: { reconciled: true } }]);
    }
    // Unknown: send again under the same Message-ID, which relays and receivers deduplicate on.
  }
  try {
    const info = await transportFor(app, req.workspaceId, settings).sendMail({
      ...identity,
      to: profile.email,
      subject: email.subject,
      html: email.html,
      text: email.text,
      messageId: headerId,
      // RFC 8058 one-click: mailbox providers POST `List-Unsubscribe=One-Click` to the URL.
      headers: { 'X-Overture-Message-Id': messageId, ...(email.unsubscribeUrl ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}) },
      ...(email.unsubscribeUrl ? { list: { unsubscribe: { url: email.unsubscribeUrl, comment: 'Unsubscribe' } } } : {}),
    });
    const accepted = ((info.accepted ?? []) as Array<string | { address: string }>).map((a) => (typeof a === 'string' ? a : a.address).toLowerCase());
    // The relay took it for this address: as far as SMTP can tell, delivered (DSNs would refine it).
    const delivered = accepted.includes(profile.email.toLowerCase());
    if (req.idempotencyKey) await markSent(app, messageId);
    chosen.exposed();
    return finish({ status: 'sent', messageId, providerId: info.messageId }, [{ kind: 'sent' }, ...(delivered ? [{ kind: 'delivered' as const, detail: { response: info.response } }] : [])]);
  } catch (err) {
    const reason = (err as Error).message.slice(0, 500);
    if (isHardBounce(err)) {
      await suppress(app, req.workspaceId, profile.email, 'email', 'bounce');
      return finish({ status: 'bounced', messageId, reason }, [{ kind: 'bounce', reason }]);
    }
    return finish({ status: 'failed', messageId, reason }, [{ kind: 'failed', reason }]);
  }
}

/** A test send of a template rendered for a chosen profile, to any address; untracked and unrecorded. */
export async function sendTestEmail(app: App, workspaceId: string, input: { template: string; profileId: string; to: string; event?: TriggerEventInput }): Promise<{ providerId: string }> {
  const template = await getTemplate(app, workspaceId, input.template);
  if (!template || template.channel !== 'email') throw new ChannelError(`template: no email template ${input.template}`);
  const profile = await loadRecipient(app, workspaceId, input.profileId);
  if (!profile) throw new ChannelError(`profileId: no profile ${input.profileId}`);
  const settings = await getSmtpSettings(app, workspaceId);
  if (!settings) throw new ChannelError('email settings: configure an SMTP server first');
  const identity = await identityFor(app, workspaceId, template.senderId, settings);
  const email = await composeEmail(template, await templateContext(app, workspaceId, profile, input.event), null);
  const info = await transportFor(app, workspaceId, settings).sendMail({
    ...identity,
    to: input.to,
    subject: `[Test] ${email.subject}`,
    html: email.html,
    text: email.text,
  });
  return { providerId: info.messageId };
}

export class ChannelError extends Error {}

type Address = string | { name: string; address: string };

/** From and Reply-To: the template's sender, else the workspace default sender, else the SMTP settings' from; a variant may rename it. */
async function identityFor(app: App, workspaceId: string, senderId: string | null, settings: SmtpSettings, variantName = ''): Promise<{ from: Address; replyTo?: string }> {
  const sender = await senderForSend(app, workspaceId, senderId);
  if (!sender) {
    const name = variantName || settings.fromName;
    return { from: name ? { name, address: settings.fromAddress } : settings.fromAddress };
  }
  return { from: { name: variantName || sender.name, address: sender.address }, ...(sender.replyTo ? { replyTo: sender.replyTo } : {}) };
}
