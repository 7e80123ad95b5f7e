import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp';
import { ingest } from '../../testing/profiles';
import { resolveProfileId } from '../../profiles';
import { selectRows } from '../../stores/clickhouse/sql';
import { saveTemplate } from '../../templates';
import { closeTransports, getEmailSettings, messageIdFor, saveEmailSettings, sendEmail } from '../index';
import { EmailChannel } from '../../journeys/senders';
import { beginSend } from './send-ledger';


const body = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ profile.traits.first_name }}</mj-text>
        <mj-button href="https://shop.example/sale?from=email">Shop the sale</mj-button>
        <mj-text><a href="{{ unsubscribe_url }}" data-overture-notrack>Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

type Row = { message_id: string; kind: string; reason: string; template_id: string };

describe('email channel, end to end through a real SMTP server', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let ws: string;
  let adaId: string;
  const kindsOf = async (messageId: string) =>
    (await selectRows<Row>(t.app.clickhouse, `SELECT message_id, kind, reason, template_id FROM message_events FINAL WHERE workspace_id = {ws:String} AND message_id = {m:String}`, { ws, m: messageId }))
      .map((r) => r.kind)
      .sort();

  beforeAll(async () => {
    t = await startTestServer({ postgres: 'pglite' });
    ws = t.workspace.id;
    smtp = await startSmtpSink({ password: 's3cret-smtp' });
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, username: 'mailer', password: 's3cret-smtp', fromAddress: 'shop@example.com', fromName: 'Shop' });
    await saveTemplate(t.app, ws, { name: 'Sale', channel: 'email', subject: 'Sale for {{ profile.traits.first_name }}', body, subscriptionGroup: 'promotions' });
    await ingest(t.app, ws, [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } },
      { type: 'identify', userId: 'bob', traits: { email: 'bounce@example.com', first_name: 'Bob' } },
    ]);
    adaId = await resolveProfileId(t.app, ws, { userId: 'ada' });
  });
  afterAll(async () => {
    closeTransports(t.app);
    await t?.close();
    await smtp?.close();
  });

  it('stores the SMTP password encrypted and never shows it', async () => {
    const row = await t.app.postgres.db.selectFrom('email_settings').select('password_enc').where('workspace_id', '=', ws).executeTakeFirstOrThrow();
    expect(row.password_enc).not.toContain('s3cret');
    expect(row.password_enc.split('.')).toHaveLength(3);
    const visible = await getEmailSettings(t.app, ws);
    expect(visible).toMatchObject({ hasPassword: true, host: '127.0.0.1' });
    expect(JSON.stringify(visible)).not.toContain('s3cret');
  });

  it('sends, tracks the open and the click, honours one-click unsubscribe, then skips', async () => {
    const result = await sendEmail(t.app, { workspaceId: ws, profileId: adaId, template: 'Sale' });
    expect(result.status).toBe('sent');
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.subject).toBe('Sale for Ada');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ada@example.com');
    const header = (name: string) => mail.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ') ?? '';
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const unsubscribeUrl = /<(http[^>]+)>/.exec(header('list-unsubscribe'))?.[1] ?? '';
    expect(unsubscribeUrl).toMatch(/\/t\/u\//);
    const html = String(mail.html);
    expect(html).toContain('Hello Ada');
    expect(html).not.toContain('href="https://shop.example/sale');
    // A text/plain alternative of the same content, with the tracked link and without the pixel.
    expect(mail.text).toContain('Hello Ada');
    expect(mail.text).toMatch(/\[http:\/\/[^\]]+\/t\/c\/[^\]]+\]/);
    expect(mail.text).not.toContain('/t/o/');
    expect(mail.text).not.toContain('<');

    // The click: a signed redirect to the original destination; a tampered one is refused.
    const click = /href="(http:\/\/[^"]+\/t\/c\/[^"]+)"/.exec(html)?.[1];
    expect(click).toBeDefined();
    const clickPath = new URL(click!).pathname;
    const redirect = await fetch(`${t.url}${clickPath}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://shop.example/sale?from=email');
    const tampered = clickPath.replace(/\/t\/c\/(.)/, (_m, c: string) => `/t/c/${c === 'e' ? 'f' : 'e'}`);
    expect((await fetch(`${t.url}${tampered}`, { redirect: 'manual' })).status).toBe(400);

    // The open pixel.
    const pixel = /<img src="(http:\/\/[^"]+\/t\/o\/[^"]+)"/.exec(html)?.[1];
    const open = await fetch(`${t.url}${new URL(pixel!).pathname}`);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');

    // The hosted preferences page knows the subscription group.
    const prefs = await fetch(`${t.url}${new URL(unsubscribeUrl).pathname}`);
    expect(await prefs.text()).toContain('promotions');

    // One-click unsubscribe, as a mailbox provider posts it.
    const oneClick = await fetch(`${t.url}${new URL(unsubscribeUrl).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);

    expect(await kindsOf(result.messageId)).toEqual(['click', 'delivered', 'open', 'sent', 'unsubscribe']);

    const later = await sendEmail(t.app, { workspaceId: ws, profileId: adaId, template: 'Sale' });
    expect(later).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(smtp.received).toHaveLength(1);
    expect(await kindsOf(later.messageId)).toEqual(['skipped']);
  });

  it('suppresses an address the SMTP server rejects, and skips it afterwards', async () => {
    const bob = await resolveProfileId(t.app, ws, { userId: 'bob' });
    const first = await sendEmail(t.app, { workspaceId: ws, profileId: bob, template: 'Sale' });
    expect(first.status).toBe('bounced');
    expect(await kindsOf(first.messageId)).toEqual(['bounce']);
    const again = await sendEmail(t.app, { workspaceId: ws, profileId: bob, template: 'Sale' });
    expect(again).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('suppresses on a complaint posted to the feedback webhook (secret key only)', async () => {
    await saveTemplate(t.app, ws, { name: 'Receipt', channel: 'email', subject: 'Your receipt', body });
    await ingest(t.app, ws, [{ type: 'identify', userId: 'cy', traits: { email: 'cy@example.com' } }]);
    const cy = await resolveProfileId(t.app, ws, { userId: 'cy' });
    const sent = await sendEmail(t.app, { workspaceId: ws, profileId: cy, template: 'Receipt' });
    expect(sent.status).toBe('sent');
    const post = (key: string) =>
      fetch(`${t.url}/v1/email/feedback`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'CY@example.com', type: 'complaint', messageId: sent.messageId }) });
    expect((await post(t.workspace.writeKey)).status).toBe(403);
    expect((await post(t.workspace.secretKey)).status).toBe(200);
    expect(await kindsOf(sent.messageId)).toContain('complaint');
    expect(await sendEmail(t.app, { workspaceId: ws, profileId: cy, template: 'Receipt' })).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  });

  it('escapes profile values in the HTML and saves choices made on the preferences page', async () => {
    await ingest(t.app, ws, [{ type: 'identify', userId: 'eve', traits: { email: 'eve@example.com', first_name: '<img src=x onerror=alert(1)>' } }]);
    const eve = await resolveProfileId(t.app, ws, { userId: 'eve' });
    const sent = await sendEmail(t.app, { workspaceId: ws, profileId: eve, template: 'Sale' });
    expect(sent.status).toBe('sent');
    const mail = smtp.received.at(-1)!;
    expect(String(mail.html)).toContain('Hello &lt;img src=x onerror=alert(1)&gt;');
    expect(String(mail.html)).not.toContain('<img src=x');
    const prefsUrl = /href="(http[^"]+\/t\/u\/[^"]+)"/.exec(String(mail.html))?.[1];
    const path = new URL(prefsUrl!).pathname;
    // Untick "promotions", keep email as a whole.
    const saved = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('no longer receive');
    expect(await sendEmail(t.app, { workspaceId: ws, profileId: eve, template: 'Sale' })).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: eve, template: 'Receipt' })).status).toBe('sent');
    expect((await fetch(`${t.url}${path}`)).status).toBe(200);
    expect(await (await fetch(`${t.url}${path}`)).text()).not.toMatch(/value="promotions" checked/);
  });

  it('sends an edited template at once: the next send after a save uses the new version', async () => {
    const saved = await saveTemplate(t.app, ws, { name: 'Edited', channel: 'email', subject: 'First {{ profile.traits.first_name }}', body });
    const ada = { id: 'p-edit', traits: { email: 'ada-edit@example.com', first_name: 'Ada' } };
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Edited', profile: ada })).status).toBe('sent');
    expect(smtp.received.at(-1)!.subject).toBe('First Ada');
    // Well within the sender's cache lifetime: the save itself must make the edit visible.
    await saveTemplate(t.app, ws, { id: saved.id, name: 'Edited', channel: 'email', subject: 'Second {{ profile.traits.first_name }}', body: body.replace('Hello', 'Welcome back') });
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Edited', profile: ada })).status).toBe('sent');
    expect(smtp.received.at(-1)!.subject).toBe('Second Ada');
    expect(String(smtp.received.at(-1)!.html)).toContain('Welcome back Ada');
    // A rename: the new name finds it by the next send, the old one no longer does.
    await saveTemplate(t.app, ws, { id: saved.id, name: 'Renamed', channel: 'email', subject: 'Third', body });
    expect(await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Edited', profile: ada })).toMatchObject({ status: 'skipped', reason: 'no_template' });
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Renamed', profile: ada })).status).toBe('sent');
    expect(smtp.received.at(-1)!.subject).toBe('Third');
    // A template created after a send asked for it in vain is found by the next send.
    expect(await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Edited', profile: ada })).toMatchObject({ status: 'skipped', reason: 'no_template' });
    await saveTemplate(t.app, ws, { name: 'Edited', channel: 'email', subject: 'Fourth', body });
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: 'p-edit', template: 'Edited', profile: ada })).status).toBe('sent');
    expect(smtp.received.at(-1)!.subject).toBe('Fourth');
  });

  it('serves the journey engine through its channel interface, with a message id from the idempotency key', async () => {
    await ingest(t.app, ws, [{ type: 'identify', userId: 'dee', traits: { email: 'dee@example.com' } }]);
    const dee = await resolveProfileId(t.app, ws, { userId: 'dee' });
    const channel = new EmailChannel(t.app);
    expect(channel.reachable({ id: dee, traits: {} })).toBe('no_email');
    const outcome = await channel.send({
      idempotencyKey: 'run-1:node-1',
      workspaceId: ws,
      journeyId: 'j1',
      version: 1,
      nodeId: 'node-1',
      runId: 'run-1',
      profile: { id: dee, traits: { email: 'dee@example.com' } },
      channel: 'email',
      template: 'Receipt',
    });
    expect(outcome.status).toBe('sent');
    const rows = await selectRows<{ journey_id: string; node_id: string }>(t.app.clickhouse, `SELECT journey_id, node_id FROM message_events WHERE workspace_id = {ws:String} AND message_id = {m:String} AND kind = 'sent'`, {
      ws,
      m: outcome.providerId!,
    });
    expect(rows).toEqual([{ journey_id: 'j1', node_id: 'node-1' }]);
  });

  it('sends a Message-ID once: a repeat is not sent, a send left in doubt is settled by the relay’s notification or sent again under the same id', async () => {
    await ingest(t.app, ws, [{ type: 'identify', userId: 'fay', traits: { email: 'fay@example.com' } }]);
    const fay = await resolveProfileId(t.app, ws, { userId: 'fay' });
    const send = (key: string) => sendEmail(t.app, { workspaceId: ws, profileId: fay, template: 'Receipt', idempotencyKey: key });
    const copies = (key: string) => smtp.received.filter((m) => m.messageId === `<${messageIdFor(key)}@overture>`).length;
    const attempts = async (key: string) => (await t.app.postgres.db.selectFrom('email_sends').select(['state', 'attempts']).where('message_id', '=', messageIdFor(key)).executeTakeFirst()) ?? null;

    // Sent, then asked again (a retried step): the relay already has it.
    expect(await send('run-9:a')).toMatchObject({ status: 'sent' });
    expect(await send('run-9:a')).toMatchObject({ status: 'sent', reconciled: true });
    expect(copies('run-9:a')).toBe(1);

    // A worker recorded `sending` and died: nothing tells whether the relay got it, so it goes out again, same id.
    await beginSend(t.app, ws, fay, messageIdFor('run-9:b'));
    expect(await send('run-9:b')).toMatchObject({ status: 'sent' });
    expect(await send('run-9:b')).toMatchObject({ status: 'sent', reconciled: true });
    expect(copies('run-9:b')).toBe(1);
    expect(await attempts('run-9:b')).toEqual({ state: 'sent', attempts: 2 });

    // The same, but the relay's delivery notification arrived: settled without sending again.
    await beginSend(t.app, ws, fay, messageIdFor('run-9:c'));
    const notify = (body: Record<string, unknown>) =>
      fetch(`${t.url}/v1/email/feedback`, { method: 'POST', headers: { authorization: `Bearer ${t.workspace.secretKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await notify({ type: 'delivered', email: 'fay@example.com', messageId: messageIdFor('run-9:c') })).status).toBe(200);
    expect(await send('run-9:c')).toMatchObject({ status: 'sent', reconciled: true });
    expect(copies('run-9:c')).toBe(0);
    expect(await kindsOf(messageIdFor('run-9:c'))).toEqual(['delivered', 'sent']);

    // A delivery notification names the message it is about, one this workspace sent; it never suppresses.
    const noId = await notify({ type: 'delivered', email: 'fay@example.com' });
    expect(noId.status).toBe(400);
    expect(await noId.text()).toContain('messageId');
    expect((await notify({ type: 'delivered', email: 'fay@example.com', messageId: 'msg_unknown' })).status).toBe(404);
    expect((await send('run-9:d')).status).toBe('sent');
  });
});
