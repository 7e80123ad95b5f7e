import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateJourney } from '@overture/journeys';
import { startTestServer, type TestServer } from '../testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { closeTransports, saveEmailSettings, sendEmail } from '../channels';
import { getJourney, saveJourneySettings, webhookSecret } from '../journeys';
import { getTemplate, previewTemplate } from '../templates';
import { createServiceJourney, saveActionPolicy, serviceJourneyTemplates, signAction, verifyAction } from './index';
import { linkIdOf } from '../templates/action-links';

interface Call {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  verified: boolean;
}

/** The shop's endpoint: verifies `x-overture-signature` like a receiver must, and records each call. */
async function startReceiver(secret: () => string) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-overture-signature'] ?? ''));
      const expected = m ? createHmac('sha256', secret()).update(`${m[1]}.${raw}`).digest() : Buffer.alloc(0);
      const verified = !!m && timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
      calls.push({ headers: req.headers, body: JSON.parse(raw) as Record<string, unknown>, verified });
      // Slow enough that concurrent follows of one link overlap the first call.
      setTimeout(() => res.writeHead(verified ? 200 : 401).end(), 150);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, calls, port: (server.address() as AddressInfo).port };
}


describe('proactive service messages', () => {
  let t: TestServer;
  let ws: string;
  let ada: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: SmtpSink;
  const follow = (link: string, method = 'GET') => fetch(`${t.url}${new URL(link).pathname}`, { method, redirect: 'manual' });
  const page = async (res: Response) => ({ status: res.status, text: (await res.text()).replace(/<style>.*<\/style>/s, '').replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/\s+/g, ' ') });

  beforeAll(async () => {
    t = await startTestServer();
    ws = t.workspace.id;
    receiver = await startReceiver(() => webhookSecret(t.app.config.secret, ws));
    smtp = await startSmtpSink();
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, fromAddress: 'shop@example.com', fromName: 'Shop' });
    await saveJourneySettings(t.app.postgres.db, ws, { webhookHosts: [`127.0.0.1:${receiver.port}`] }, t.app.outbound);
    await ingest(t.app, ws, [{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } }]);
    ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
  });
  afterAll(async () => {
    if (t) closeTransports(t.app);
    await t?.close();
    await new Promise<void>((r) => (receiver ? receiver.server.close(() => r()) : r()));
    await smtp?.close();
  });

  it('has a valid ready journey for each documented event, and instantiates it with its templates', async () => {
    expect(serviceJourneyTemplates.map((x) => x.event.name)).toEqual(['Order Delayed', 'Back In Stock', 'Price Drop']);
    for (const tpl of serviceJourneyTemplates) {
      expect(validateJourney(tpl.journey).ok).toBe(true);
      expect(tpl.journey.trigger).toMatchObject({ type: 'event', event: tpl.event.name });
    }
    const first = await createServiceJourney(t.app, ws, 'order-delayed');
    expect(first.createdTemplates).toEqual(['Order delayed']);
    const journey = await getJourney(t.app.postgres.db, ws, first.journey.id);
    expect(journey).toMatchObject({ name: 'Order delayed', status: 'draft', issues: [] });
    expect(await getTemplate(t.app, ws, 'Order delayed')).toMatchObject({ channel: 'email' });
    // A second copy reuses the workspace's (possibly edited) templates.
    expect((await createServiceJourney(t.app, ws, 'order-delayed', 'Order delayed (EU)')).createdTemplates).toEqual([]);
    await expect(createServiceJourney(t.app, ws, 'nope')).rejects.toThrow(/templateId: no service journey template "nope"/);
    const preview = await previewTemplate(t.app, ws, (await getTemplate(t.app, ws, 'Order delayed'))!, ada, { name: 'Order Delayed', properties: { order_id: 'A-1', new_eta: '2026-12-03' } });
    expect(preview).toMatchObject({ subject: 'Your order A-1 is running late' });
    expect(preview.channel === 'email' && preview.html).toContain('href="#action-reship"');
  });

  it('one-click reship: signed link in the email, confirmation page, one signed webhook call, audited; refund then over the limit', async () => {
    await saveActionPolicy(t.app, ws, { webhookUrl: `http://127.0.0.1:${receiver.port}/overture/actions`, allowedActions: ['reship', 'refund'], limitPerCustomer: 1, periodDays: 30, linkTtlHours: 48 });
    // `$auth` as ingestion records it for an event the shop's server sent with the secret key (action-auth.test.ts goes through HTTP).
    const sent = await sendEmail(t.app, { workspaceId: ws, profileId: ada, template: 'Order delayed', event: { name: 'Order Delayed', properties: { order_id: 'A-1001', new_eta: '2026-12-03', $auth: 'secret_key' } } });
    expect(sent.status).toBe('sent');
    const html = String(smtp.received.at(-1)!.html);
    expect(html).toContain('order A-1001 will now arrive around December  3');
    const links = [...html.matchAll(/href="(http[^"]+\/t\/a\/[^"]+)"/g)].map((m) => m[1]!);
    expect(links).toHaveLength(2);
    const [reship, refund] = links as [string, string];
    expect(verifyAction(t.app.config.secret, new URL(reship).pathname.slice(5))).toMatchObject({ ok: true, claims: { a: 'reship', o: 'A-1001', p: ada, m: sent.messageId } });

    // Following the link (what mail scanners do too) only shows the choice.
    const confirm = await page(await follow(reship));
    expect(confirm).toMatchObject({ status: 200 });
    expect(confirm.text).toContain('Reship my order (order A-1001)?');
    expect(receiver.calls).toHaveLength(0);

    // Confirmed three times at once and once more later: one webhook call.
    const results = await Promise.all([1, 2, 3].map(async () => page(await follow(reship, 'POST'))));
    expect(results.filter((r) => r.status === 200 && r.text.includes('Done, thank you')), JSON.stringify(results)).toHaveLength(1);
    expect(results.every((r) => r.status === 200 || r.status === 202)).toBe(true);
    const again = await page(await follow(reship, 'POST'));
    expect(again).toMatchObject({ status: 200 });
    expect(again.text).toContain('Already done');
    expect((await page(await follow(reship))).text).toContain('Already done');
    expect(receiver.calls).toHaveLength(1);
    const call = receiver.calls[0]!;
    expect(call.verified).toBe(true);
    expect(call.body).toMatchObject({ type: 'service_action', action: 'reship', orderId: 'A-1001', profileId: ada, email: 'ada@example.com', messageId: sent.messageId });
    expect(call.headers['idempotency-key']).toBe(call.body.linkId);

    // The customer's second choice breaks the policy's one per 30 days.
    const over = await page(await follow(refund, 'POST'));
    expect(over.status).toBe(429);
    expect(over.text).toContain('allows 1 such request per customer every 30 days');
    expect(receiver.calls).toHaveLength(1);

    const rows = await t.app.postgres.db.selectFrom('service_actions').select(['action', 'status', 'webhook_status', 'order_id']).where('workspace_id', '=', ws).execute();
    expect(rows).toEqual([{ action: 'reship', status: 'done', webhook_status: 200, order_id: 'A-1001' }]);
    const audit = await t.app.postgres.db.selectFrom('audit_log').select(['action', 'subject', 'rule', 'detail']).where('workspace_id', '=', ws).where('action', 'like', 'service_action.%').orderBy('id').execute();
    expect(audit.map((a) => [a.action, (a.detail as { outcome: string }).outcome.split(':')[0]])).toEqual([
      ['service_action.reship', 'done'],
      ['service_action.refund', 'refused'],
    ]);
    expect(audit[0]).toMatchObject({ subject: `profile:${ada}`, rule: 'allowed=reship|refund; limit=1/30d' });
    const outcomes = await selectRows<{ kind: string; reason: string }>(t.app.clickhouse, `SELECT kind, reason FROM message_events FINAL WHERE workspace_id = {ws:String} AND message_id = {m:String} ORDER BY kind`, { ws, m: sent.messageId });
    expect(outcomes).toEqual([
      { kind: 'click', reason: 'action:reship' },
      { kind: 'delivered', reason: '' },
      { kind: 'sent', reason: '' },
    ]);
  });

  it('refuses disallowed, tampered and expired links with a clear 4xx and no webhook call', async () => {
    const bob = 'p-bob';
    const claims = { w: ws, p: bob, m: 'm-bob', c: 'email', t: 'tpl', o: 'B-7', i: Math.floor(Date.now() / 1000), s: 'secret_key' };
    const link = (c: object) => `${t.url}/t/a/${signAction(t.app.config.secret, { ...claims, a: 'reship', ...c })}`;
    const before = receiver.calls.length;

    const cancel = await page(await follow(link({ a: 'cancel' }), 'POST'));
    expect(cancel.status).toBe(403);
    expect(cancel.text).toContain('"cancel" is not an action this shop offers by link');

    const good = link({});
    const [payload, sig] = new URL(good).pathname.slice(5).split('.') as [string, string];
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'reship', o: 'B-8' })).toString('base64url');
    for (const bad of [`${t.url}/t/a/${forged}.${sig}`, `${t.url}/t/a/${payload}.${sig.slice(0, -2)}AA`, `${t.url}/t/a/${payload}`]) {
      for (const method of ['GET', 'POST']) {
        const r = await page(await follow(bad, method));
        expect(r.status).toBe(400);
        expect(r.text).toContain('This link is invalid or was altered.');
      }
    }

    const expired = await page(await follow(link({ i: Math.floor(Date.now() / 1000) - 49 * 3600 }), 'POST'));
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('This link expired 48 hours after the message was sent.');

    expect(receiver.calls.length).toBe(before);

    // A claim left by a process that died mid-call is taken over once it is stale, not before.
    const crashed = link({ p: 'p-carol', o: 'C-1' });
    const crashedId = linkIdOf(new URL(crashed).pathname.slice(5));
    await t.app.postgres.db.insertInto('service_actions').values({ link_id: crashedId, workspace_id: ws, profile_id: 'p-carol', message_id: 'm-bob', action: 'reship', order_id: 'C-1', status: 'pending', webhook_status: null, error: null }).execute();
    expect((await page(await follow(crashed, 'POST'))).status).toBe(202);
    await t.app.postgres.db.updateTable('service_actions').set({ created_at: new Date(Date.now() - 5 * 60_000) }).where('link_id', '=', crashedId).execute();
    expect((await page(await follow(crashed, 'POST'))).text).toContain('Done, thank you');
    expect(receiver.calls.length).toBe(before + 1);
    expect(receiver.calls.at(-1)!.body).toMatchObject({ orderId: 'C-1', profileId: 'p-carol' });

    // The same intact link, within policy, works: the refusals above were not the receiver's doing.
    expect((await page(await follow(good, 'POST'))).status).toBe(200);
    expect(receiver.calls.length).toBe(before + 2);
  });
});
