import { sql } from 'kysely';
import type { App } from '../app-handle';
import { recordOutcomes } from '../channels';
import { getJourneySettings, SignedWebhookCaller } from '../journeys';
import { loadRecipient } from '../templates';
import { linkIdOf, serverAuth, verifyAction, type ActionClaims } from '../templates/action-links';
import { getActionPolicy, type ActionPolicy } from './policy';
import { appendAudit } from '../stores/postgres';

export type ActionResult =
  | { status: 'done'; claims: ActionClaims; repeated: boolean }
  | { status: 'pending'; claims: ActionClaims }
  /** Refused: `code` is the HTTP status, `message` says why in words for the customer and the audit. */
  | { status: 'refused'; code: number; message: string; claims: ActionClaims | null };

/** A claim older than the longest webhook call (3 attempts of 10 s plus backoff) was left by a crashed process. */
const staleClaimMs = 2 * 60_000;

const refused = (code: number, message: string, claims: ActionClaims | null): ActionResult => ({ status: 'refused', code, message, claims });

/** A link's claims when it is intact and still valid, or why it is not (for the confirmation page). */
export async function inspectAction(app: App, token: string, now = Date.now()): Promise<{ claims: ActionClaims; policy: ActionPolicy } | Extract<ActionResult, { status: 'refused' }>> {
  const checked = verifyAction(app.config.secret, token, now);
  if (!checked.ok) return refused(checked.reason === 'expired' ? 410 : 400, checked.reason === 'expired' ? 'This link has expired.' : 'This link is invalid or was altered.', null) as Extract<ActionResult, { status: 'refused' }>;
  const claims = checked.claims;
  // Defence in depth: links are only issued for server-sent events (links.ts), and one that says otherwise never acts.
  if (claims.s !== serverAuth) return refused(403, 'This link was not issued for an order the shop confirmed.', claims) as Extract<ActionResult, { status: 'refused' }>;
  const policy = await getActionPolicy(app, claims.w);
  if (!policy) return refused(409, 'This shop has not set up one-click actions.', claims) as Extract<ActionResult, { status: 'refused' }>;
  if (now > (claims.i + policy.linkTtlHours * 3600) * 1000) return refused(410, `This link expired ${policy.linkTtlHours} hours after the message was sent.`, claims) as Extract<ActionResult, { status: 'refused' }>;
  return { claims, policy };
}

async function audit(app: App, c: ActionClaims, linkId: string, outcome: string, policy: ActionPolicy | null, detail: Record<string, unknown> = {}) {
  await appendAudit(app.postgres.db, {
      workspace_id: c.w,
      actor: `action-link:${linkId}`,
      action: `service_action.${c.a}`,
      subject: `profile:${c.p}`,
      rule: policy ? `allowed=${policy.allowedActions.join('|')}; limit=${policy.limitPerCustomer}/${policy.periodDays}d` : null,
      detail: JSON.stringify({ outcome, orderId: c.o, messageId: c.m, journeyId: c.j ?? null, ...detail }),
  });
}

/**
 * Follows an action link: checks the signature, the link's age and the workspace policy (allowed
 * actions, performed actions per customer per period), then calls the workspace's signed webhook
 * once per link. A repeated or concurrent follow of the same link never calls it again.
 */
export async function performAction(app: App, token: string, now = Date.now()): Promise<ActionResult> {
  const inspected = await inspectAction(app, token, now);
  if ('status' in inspected) {
    if (inspected.claims) await audit(app, inspected.claims, linkIdOf(token), `refused: ${inspected.message}`, null);
    return inspected;
  }
  const { claims: c, policy } = inspected;
  const linkId = linkIdOf(token);
  const db = app.postgres.db;

  const previous = await db.selectFrom('service_actions').select(['status', 'created_at']).where('link_id', '=', linkId).executeTakeFirst();
  if (previous?.status === 'done') return { status: 'done', claims: c, repeated: true };
  if (previous?.status === 'pending' && now - new Date(previous.created_at).getTime() < staleClaimMs) return { status: 'pending', claims: c };

  if (!policy.allowedActions.includes(c.a)) {
    const message = `"${c.a}" is not an action this shop offers by link.`;
    await audit(app, c, linkId, `refused: ${message}`, policy);
    return refused(403, message, c);
  }

  // The limit check and the claim of the link are one transaction, serialised per workspace by the
  // policy row's lock, so two links followed at once cannot both pass a limit of one.
  const claim = await db.transaction().execute(async (trx) => {
    await trx.selectFrom('service_action_policies').select('workspace_id').where('workspace_id', '=', c.w).forUpdate().executeTakeFirst();
    const since = new Date(now - policy.periodDays * 86_400_000);
    const used = await trx
      .selectFrom('service_actions')
      .select(sql<string>`count(*)`.as('n'))
      .where('workspace_id', '=', c.w)
      .where('profile_id', '=', c.p)
      .where('status', 'in', ['done', 'pending'])
      .where('link_id', '!=', linkId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow();
    if (Number(used.n) >= policy.limitPerCustomer) return 'over_limit' as const;
    const row = { workspace_id: c.w, profile_id: c.p, message_id: c.m, action: c.a, order_id: c.o, status: 'pending' as const, webhook_status: null, error: null };
    // A failed attempt of this link may be retried, and a stale claim taken over; a live or done one is not.
    const taken = await trx
      .insertInto('service_actions')
      .values({ link_id: linkId, ...row })
      .onConflict((oc) =>
        oc
          .column('link_id')
          .doUpdateSet({ status: 'pending', error: null, created_at: new Date(now) })
          .where((eb) => eb.or([eb('service_actions.status', '=', 'failed'), eb.and([eb('service_actions.status', '=', 'pending'), eb('service_actions.created_at', '<', new Date(now - staleClaimMs))])])),
      )
      .returning('link_id')
      .executeTakeFirst();
    return taken ? ('claimed' as const) : ('busy' as const);
  });
  if (claim === 'busy') return { status: 'pending', claims: c };
  if (claim === 'over_limit') {
    const message = `This shop allows ${policy.limitPerCustomer} such request${policy.limitPerCustomer === 1 ? '' : 's'} per customer every ${policy.periodDays} days; please contact support.`;
    await audit(app, c, linkId, `refused: ${message}`, policy);
    return refused(429, message, c);
  }

  const profile = await loadRecipient(app, c.w, c.p);
  const caller = new SignedWebhookCaller({ appSecret: app.config.secret, allowedHosts: async (ws) => (await getJourneySettings(db, ws)).webhookHosts, outbound: app.outbound, backoffMs: 100 });
  const body = { type: 'service_action', action: c.a, orderId: c.o, profileId: c.p, email: profile?.email ?? null, messageId: c.m, journeyId: c.j ?? null, linkId, requestedAt: new Date(now).toISOString() };
  let status: number | null = null;
  let error: string | null = null;
  try {
    status = (await caller.call({ workspaceId: c.w, url: policy.webhookUrl, body, timeoutMs: 10_000, retries: 2, idempotencyKey: linkId })).status;
    if (status < 200 || status >= 300) error = `webhook answered ${status}`;
  } catch (err) {
    error = (err as Error).message.slice(0, 500);
  }
  await db
    .updateTable('service_actions')
    .set({ status: error ? 'failed' : 'done', webhook_status: status, error, completed_at: new Date() })
    .where('link_id', '=', linkId)
    .execute();
  await audit(app, c, linkId, error ? `failed: ${error}` : 'done', policy, { webhookStatus: status });
  if (error) return refused(502, 'We could not complete this right now. Please try the link again later.', c);
  await recordOutcomes(app, [
    { workspaceId: c.w, messageId: c.m, profileId: c.p, channel: c.c, kind: 'click', templateId: c.t, ...(c.j ? { journeyId: c.j } : {}), ...(c.n ? { nodeId: c.n } : {}), reason: `action:${c.a}`, detail: { action: c.a, orderId: c.o, linkId } },
  ]);
  return { status: 'done', claims: c, repeated: false };
}
