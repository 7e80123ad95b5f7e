import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { App } from '../../app-handle';
import { readBody, readJson } from '../../kernel/http/body';
import { HttpError } from '../../kernel/http/errors';
import { requireSecretKey } from '../../workspaces/request-auth';
import { sendJson } from '../../kernel/http/respond';
import { selectRows } from '../../stores/clickhouse/sql';
import { subscriptionGroups, verifyClaims, type TrackingClaims } from '../../templates';
import { isWebUrl, type TrackingPurpose } from '../../templates/links';
import { consentsOf, setConsent, suppress } from '../consent';
import { outcomeOfClaims, recordOutcomes } from '../outcomes';
import { recordRelayAcceptance } from './send-ledger';

const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** The claims of the path's token for this purpose; a token of another purpose, altered or expired is refused. */
function claimsOf(app: App, url: URL, prefix: string, purpose: TrackingPurpose): TrackingClaims {
  let token = url.pathname.slice(prefix.length);
  if (purpose === 'open' && token.endsWith('.gif')) token = token.slice(0, -'.gif'.length);
  // A token is base64url: nothing in it needs (or may carry) percent-encoding.
  const checked = verifyClaims(app.config.secret, purpose, token);
  if (checked.ok) return checked.claims;
  if (checked.reason === 'expired') throw new HttpError(410, 'token: this link has expired');
  throw new HttpError(400, 'token: this link is invalid or was altered');
}

/** GET /t/o/<token>.gif — the open pixel. */
export async function handleOpen(app: App, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const claims = claimsOf(app, url, '/t/o/', 'open');
  await recordOutcomes(app, [outcomeOfClaims(claims, 'open')]);
  res.writeHead(200, { 'content-type': 'image/gif', 'content-length': gif.length, 'cache-control': 'no-store, max-age=0' });
  res.end(gif);
}

/** GET /t/c/<token> — records the click, then redirects to the signed destination. */
export async function handleClick(app: App, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const claims = claimsOf(app, url, '/t/c/', 'click');
  if (!claims.u || !isWebUrl(claims.u)) throw new HttpError(400, 'token: the link has no web destination');
  const destination = new URL(claims.u).href;
  await recordOutcomes(app, [outcomeOfClaims(claims, 'click', { detail: { url: destination } })]);
  res.writeHead(302, { location: destination, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end();
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, inner: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}label{display:block;margin:.5rem 0}button{margin-top:1rem;padding:.5rem 1rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>${inner}</body></html>`;
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'" });
  res.end(html);
}

/** GET /t/u/<token> — the hosted preferences page: one box per subscription group, and "all email". */
export async function handlePreferencesPage(app: App, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const claims = claimsOf(app, url, '/t/u/', 'unsubscribe');
  const [groups, consents] = await Promise.all([subscriptionGroups(app, claims.w, 'email'), consentsOf(app, claims.w, claims.p, 'email')]);
  const boxes = groups
    .map((g) => `<label><input type="checkbox" name="group" value="${escapeHtml(g)}"${consents.get(g) === false ? '' : ' checked'}> ${escapeHtml(g)}</label>`)
    .join('');
  const all = consents.get('') === false;
  page(
    res,
    200,
    'Email preferences',
    `<form method="post">${groups.length ? `<p>Keep receiving:</p>${boxes}` : ''}
<label><input type="checkbox" name="all" value="1"${all ? ' checked' : ''}> Unsubscribe from all email</label>
<button type="submit">Save</button></form>`,
  );
}

/**
 * POST /t/u/<token> — either the RFC 8058 one-click unsubscribe a mailbox provider posts
 * (`List-Unsubscribe=One-Click`: leaves the message's group, or all email when it has none), or
 * the preferences form.
 */
export async function handleUnsubscribePost(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const claims = claimsOf(app, url, '/t/u/', 'unsubscribe');
  const form = new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
  const turnedOff: string[] = [];
  if (form.get('List-Unsubscribe') === 'One-Click') {
    await setConsent(app, claims.w, claims.p, 'email', claims.g ?? '', false);
    turnedOff.push(claims.g ?? '');
  } else {
    const groups = await subscriptionGroups(app, claims.w, 'email');
    const kept = new Set(form.getAll('group'));
    for (const g of groups) {
      await setConsent(app, claims.w, claims.p, 'email', g, kept.has(g));
      if (!kept.has(g)) turnedOff.push(g);
    }
    const all = form.get('all') === '1';
    await setConsent(app, claims.w, claims.p, 'email', '', !all);
    if (all) turnedOff.push('');
  }
  if (turnedOff.length) await recordOutcomes(app, [outcomeOfClaims(claims, 'unsubscribe', { reason: turnedOff.map((g) => g || 'all').join(',') })]);
  if (form.get('List-Unsubscribe') === 'One-Click') {
    sendJson(res, 200, { success: true });
    return;
  }
  page(res, 200, 'Preferences saved', turnedOff.length ? '<p>You will no longer receive the emails you unchecked.</p>' : '<p>Your preferences are saved.</p>');
}

const complaintInput = z
  .object({
    email: z.email(),
    /** `delivered`: the relay's delivery notification, the log that settles a send left in doubt by a crash. */
    type: z.enum(['complaint', 'bounce', 'delivered']).default('complaint'),
    /** The X-Overture-Message-Id of the message complained about, when the provider passes it on. */
    messageId: z.string().max(100).optional(),
  })
  .refine((f) => f.type !== 'delivered' || f.messageId, { path: ['messageId'], message: 'required for a delivery notification' });

/**
 * POST /v1/email/feedback — from the provider (secret key): bounces and spam complaints →
 * suppression; delivery notifications → the send's Message-ID is marked as accepted by the relay.
 */
export async function handleFeedback(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const key = await requireSecretKey(app, req);
  const parsed = complaintInput.safeParse(await readJson(req, 64 * 1024));
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  const { email, type, messageId } = parsed.data;
  if (type === 'delivered') {
    const send = await recordRelayAcceptance(app, key.workspaceId, messageId!);
    // No outcome row here: the send records `delivered` with its template and journey (from the 250,
    // or when it settles a send in doubt), and a bare row would replace that one.
    if (!send) throw new HttpError(404, `messageId: no email ${messageId} was sent from this workspace`);
    sendJson(res, 200, { success: true, delivered: messageId });
    return;
  }
  await suppress(app, key.workspaceId, email, 'email', type);
  if (messageId) {
    const rows = await selectRows<{ profile_id: string; template_id: string; journey_id: string; node_id: string }>(
      app.clickhouse,
      `SELECT profile_id, template_id, journey_id, node_id FROM message_events WHERE workspace_id = {ws:String} AND message_id = {m:String} AND kind = 'sent' LIMIT 1`,
      { ws: key.workspaceId, m: messageId },
    );
    const sent = rows[0];
    if (sent) {
      await recordOutcomes(app, [
        { workspaceId: key.workspaceId, messageId, profileId: sent.profile_id, channel: 'email', kind: type, templateId: sent.template_id, journeyId: sent.journey_id, nodeId: sent.node_id, reason: 'provider_feedback' },
      ]);
    }
  }
  sendJson(res, 200, { success: true, suppressed: email.toLowerCase() });
}
