import type { Channel, ChannelName, OutgoingMessage, ProfileView, SendOutcome } from '@overture/journeys';
import type { App } from '../app-handle';
import { sendEmail } from '../channels/email/send';
import { sendPush } from '../channels/push/send';
import { OnsiteChannel } from '../onsite/queue';

const outcomeOf = (r: { status: string; messageId: string; reason?: string }): SendOutcome =>
  r.status === 'sent' ? { status: 'sent', providerId: r.messageId } : { status: 'failed', error: `${r.status}: ${r.reason ?? ''}` };

/** The journey engine's email channel over the real sender (template = template id or name). */
export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  // Repeating a send is safe, so the engine retries one left in doubt by a crash: every attempt of a
  // (run, node) carries the same Message-ID, the send ledger skips ids the relay already took (its
  // 250, or its delivery notification), and an attempt still unknown goes out again under that
  // Message-ID, which relays and receivers deduplicate on (effectively once, never silently lost).
  readonly idempotent = true;
  constructor(private readonly app: App) {}

  reachable(profile: ProfileView): true | string {
    const email = profile.traits.email;
    return typeof email === 'string' && email.includes('@') ? true : 'no_email';
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    return outcomeOf(await sendEmail(this.app, { workspaceId: m.workspaceId, profileId: m.profile.id, template: m.template, profile: m.profile, idempotencyKey: m.idempotencyKey, journeyId: m.journeyId, nodeId: m.nodeId, ...(m.event ? { event: m.event } : {}), ...(m.variant ? { variant: m.variant } : {}) }));
  }
}

export class WebPushChannel implements Channel {
  readonly name = 'web_push' as const;
  readonly idempotent = false;
  constructor(private readonly app: App) {}

  // Reachability needs the subscriptions table, and the engine's interface is synchronous: the
  // send itself answers `no_push_subscription` for a profile without one.
  reachable(): true {
    return true;
  }

  async send(m: OutgoingMessage): Promise<SendOutcome> {
    return outcomeOf(await sendPush(this.app, { workspaceId: m.workspaceId, profileId: m.profile.id, template: m.template, profile: m.profile, idempotencyKey: m.idempotencyKey, journeyId: m.journeyId, nodeId: m.nodeId, ...(m.event ? { event: m.event } : {}), ...(m.variant ? { variant: m.variant } : {}) }));
  }
}

export function channelsFor(app: App): Partial<Record<ChannelName, Channel>> {
  return { email: new EmailChannel(app), web_push: new WebPushChannel(app), onsite: new OnsiteChannel(app) };
}
