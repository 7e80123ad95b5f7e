import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, startTestServer, type TestServer } from '../testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp';
import { closeTransports, saveEmailSettings } from '../channels';
import { deriveKey } from '../kernel/crypto/secrets';
import { saveJourneySettings } from '../journeys';
import { publishedJourney, until } from '../testing/journeys';
import { resolveProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { loadRecipient } from '../templates';
import { createServiceJourney, saveActionPolicy, serviceJourneyTemplates, signAction } from './index';

/** The shop's action endpoint: records every call it gets. */
async function startReceiver() {
  const calls: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, calls, port: (server.address() as AddressInfo).port };
}

const actionLinksIn = (html: string) => [...html.matchAll(/href="(http[^"]+\/t\/a\/[^"]+)"/g)].map((m) => m[1]!);

// The public write key is in every page of the shop: an `Order Delayed` sent with it must not get
// anyone a refund link for someone else's order. The one the shop's server sends with the secret key does.
describe('action links only for events the shop sent with its secret key', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const asServer = (batch: Array<Record<string, unknown>>) => postBatch(t, batch, { authorization: `Bearer ${t.workspace.secretKey}` });
  const mailTo = (address: string) => until(async () => smtp.received.filter((m) => (m.to && 'text' in m.to ? m.to.text : '').includes(address)), (r) => r.length >= 1, 30_000, `the email to ${address}`);
  const follow = (link: string, method = 'GET') => fetch(`${t.url}${new URL(link).pathname}`, { method, redirect: 'manual' });

  beforeAll(async () => {
    smtp = await startSmtpSink();
    receiver = await startReceiver();
    t = await startTestServer({ worker: true });
    const ws = t.workspace.id;
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, fromAddress: 'care@shop.example', fromName: 'Shop' });
    await saveJourneySettings(t.app.postgres.db, ws, { webhookHosts: [`127.0.0.1:${receiver.port}`] }, t.app.outbound);
    await saveActionPolicy(t.app, ws, { webhookUrl: `http://127.0.0.1:${receiver.port}/actions`, allowedActions: ['reship', 'refund'], limitPerCustomer: 5, periodDays: 30, linkTtlHours: 48 });
    await createServiceJourney(t.app, ws, 'order-delayed');
    await publishedJourney(t.app, ws, serviceJourneyTemplates.find((x) => x.id === 'order-delayed')!.journey);
    expect((await postBatch(t, [{ type: 'identify', userId: 'mallory', traits: { email: 'mallory@example.com', first_name: 'Mallory' } }])).status).toBe(200);
    expect((await asServer([{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } }])).status).toBe(200);
    // Both addresses known before the orders arrive (the journey's email needs them).
    for (const userId of ['mallory', 'ada']) {
      const id = await resolveProfileId(t.app, ws, { userId });
      await until(() => loadRecipient(t.app, ws, id), (p) => !!p?.email, 15_000, `${userId}'s email`);
    }
  });
  afterAll(async () => {
    if (t) closeTransports(t.app);
    await t?.close();
    await new Promise<void>((r) => (receiver ? receiver.server.close(() => r()) : r()));
    await smtp?.close();
  });

  it('a write-key Order Delayed for a victim order mails an informational email without action links, even when the body claims the secret key', async () => {
    const sent = await postBatch(t, [{ type: 'track', event: 'Order Delayed', userId: 'mallory', properties: { order_id: 'VICTIM-1', new_eta: '2026-12-24', $auth: 'secret_key' } }]);
    expect(sent.status).toBe(200);
    const [mail] = await mailTo('mallory@example.com');
    const html = String(mail!.html);
    expect(html).toContain('order VICTIM-1 will now arrive');
    expect(actionLinksIn(html)).toEqual([]);
    expect(html).not.toContain('/t/a/');
    expect(html).not.toContain('Refund me'); // the ready template shows no button without a link
    // What the body said about its key was not stored either.
    const stored = await selectRows<{ properties: string }>(t.app.clickhouse, `SELECT properties FROM events WHERE workspace_id = {ws:String} AND event = 'Order Delayed' AND user_id = 'mallory'`, { ws: t.workspace.id });
    expect(stored.map((r) => JSON.parse(r.properties) as Record<string, unknown>)).toEqual([{ order_id: 'VICTIM-1', new_eta: '2026-12-24' }]);
  });

  it('the action endpoint refuses a token minted for a write-key event, in the old format or the current one', async () => {
    const mallory = await resolveProfileId(t.app, t.workspace.id, { userId: 'mallory' });
    const claims = { w: t.workspace.id, p: mallory, m: 'msg_mallory', c: 'email', t: 'tpl', a: 'refund', o: 'VICTIM-1', i: Math.floor(Date.now() / 1000) };
    // What the email of a write-key event carried before action links needed the secret key.
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const oldToken = `${payload}.${createHmac('sha256', deriveKey(t.app.config.secret, 'service-actions')).update(payload).digest().subarray(0, 18).toString('base64url')}`;
    const current = signAction(t.app.config.secret, { ...claims, s: 'write_key' });
    const before = receiver.calls.length;
    for (const [token, status] of [[oldToken, 400], [current, 403]] as const) {
      expect((await follow(`${t.url}/t/a/${token}`)).status).toBe(status);
      expect((await follow(`${t.url}/t/a/${token}`, 'POST')).status).toBe(status);
    }
    expect(receiver.calls.length).toBe(before);
  });

  it('a secret-key Order Delayed mails working action links', async () => {
    expect((await asServer([{ type: 'track', event: 'Order Delayed', userId: 'ada', properties: { order_id: 'A-1001', new_eta: '2026-12-24' } }])).status).toBe(200);
    const [mail] = await mailTo('ada@example.com');
    const links = actionLinksIn(String(mail!.html));
    expect(links).toHaveLength(2);
    expect(String(mail!.html)).toContain('Refund me');
    const before = receiver.calls.length;
    const done = await follow(links[1]!, 'POST');
    expect(done.status).toBe(200);
    expect(receiver.calls.length).toBe(before + 1);
    expect(receiver.calls.at(-1)).toMatchObject({ type: 'service_action', action: 'refund', orderId: 'A-1001', email: 'ada@example.com' });
  });
});
