import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import { readBody } from '../kernel/http/body';
import type { ExtraRoute } from '../kernel/http/route';
import { inspectAction, performAction, type ActionResult } from './actions';
import { linkIdOf } from '../templates/action-links';

const labels: Record<string, string> = { reship: 'Reship my order', refund: 'Refund my order', cancel: 'Cancel my order' };
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:0;background:#1a1a1a;color:#fff;cursor:pointer}</style>
</head><body><h1>${esc(title)}</h1>${body}</body></html>`;
  // No caching and no referrer: the URL is a credential for one action.
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' }).end(html);
}

// A token is base64url: nothing in it needs (or may carry) percent-encoding.
const tokenOf = (url: URL) => url.pathname.slice('/t/a/'.length);
const what = (a: string, order: string) => `${labels[a] ?? a}${order ? ` (order ${order})` : ''}`;

/**
 * GET shows what the link will do and a button; only the POST acts. Mail security scanners and
 * link previews fetch every URL of a message, and must not reship or refund anything.
 */
export async function handleActionPage(app: App, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const token = tokenOf(url);
  const inspected = await inspectAction(app, token);
  if ('status' in inspected) return page(res, inspected.code, 'This link cannot be used', `<p>${esc(inspected.message)}</p>`);
  const { claims } = inspected;
  const done = await app.postgres.db.selectFrom('service_actions').select('status').where('link_id', '=', linkIdOf(token)).executeTakeFirst();
  if (done?.status === 'done') return page(res, 200, 'Already done', `<p>${esc(what(claims.a, claims.o))}: we already have your request.</p>`);
  page(res, 200, `${what(claims.a, claims.o)}?`, `<form method="post"><button type="submit">Confirm</button></form>`);
}

function resultPage(res: ServerResponse, r: ActionResult): void {
  if (r.status === 'refused') return page(res, r.code, 'We could not do this', `<p>${esc(r.message)}</p>`);
  const subject = what(r.claims.a, r.claims.o);
  if (r.status === 'pending') return page(res, 202, 'Being processed', `<p>${esc(subject)}: your request is being processed.</p>`);
  page(res, 200, r.repeated ? 'Already done' : 'Done, thank you', `<p>${esc(subject)}: ${r.repeated ? 'we already have your request' : 'we have your request and will email you a confirmation'}.</p>`);
}

export async function handleActionPost(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  await readBody(req, 4 * 1024); // the form carries nothing: the link is the request
  resultPage(res, await performAction(app, tokenOf(url)));
}

export const serviceMessageRoutes: ExtraRoute[] = [
  { method: 'GET', path: '/t/a/', handler: handleActionPage },
  { method: 'POST', path: '/t/a/', handler: handleActionPost },
];
