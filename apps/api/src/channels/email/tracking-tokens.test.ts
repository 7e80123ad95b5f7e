import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../testing';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp';
import { ingest } from '../../testing/profiles';
import { resolveProfileId } from '../../profiles';
import { saveTemplate, signClaims, type TrackingClaims } from '../../templates';
import { consentsOf } from '../consent';
import { closeTransports, saveEmailSettings, sendEmail } from '../index';

// The tokens themselves (purpose, expiry, parsing) are tested on their own in signed-tokens.unit.test.ts.
const day = 86_400_000;

const body = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ profile.traits.first_name }}</mj-text>
  <mj-button href="https://shop.example/sale">Shop the sale</mj-button>
  <mj-text><a href="{{ unsubscribe_url }}" data-overture-notrack>Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

// Tokens taken from a real sent email, as its recipient (or anyone they forward it to) holds them.
describe('tracking links of a sent email, over HTTP', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let ws: string;
  let ada: string;
  const tokens = { open: '', click: '', unsubscribe: '' };
  const get = (path: string) => fetch(`${t.url}${path}`, { redirect: 'manual' });
  const oneClick = (token: string) => fetch(`${t.url}/t/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  const subscribed = async () => (await consentsOf(t.app, ws, ada, 'email')).get('') !== false;

  beforeAll(async () => {
    t = await startTestServer();
    ws = t.workspace.id;
    smtp = await startSmtpSink();
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, fromAddress: 'shop@example.com' });
    await saveTemplate(t.app, ws, { name: 'Sale', channel: 'email', subject: 'Sale', body });
    await ingest(t.app, ws, [{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } }]);
    ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
    expect((await sendEmail(t.app, { workspaceId: ws, profileId: ada, template: 'Sale' })).status).toBe('sent');
    const html = String(smtp.received[0]!.html);
    tokens.open = /\/t\/o\/([^"]+)\.gif"/.exec(html)![1]!;
    tokens.click = /\/t\/c\/([^"]+)"/.exec(html)![1]!;
    tokens.unsubscribe = /\/t\/u\/([^"]+)"/.exec(html)![1]!;
  });
  afterAll(async () => {
    if (t) closeTransports(t.app);
    await t?.close();
    await smtp?.close();
  });

  it('the open-pixel token cannot unsubscribe, nor open the preferences page', async () => {
    expect((await get(`/t/o/${tokens.open}.gif`)).status).toBe(200);
    expect((await oneClick(tokens.open)).status).toBe(400);
    expect((await get(`/t/u/${tokens.open}`)).status).toBe(400);
    expect(await subscribed()).toBe(true);
    // Neither can the click token; the unsubscribe link does.
    expect((await oneClick(tokens.click)).status).toBe(400);
    expect(await subscribed()).toBe(true);
    expect((await oneClick(tokens.unsubscribe)).status).toBe(200);
    expect(await subscribed()).toBe(false);
  });

  it('refuses a trailing segment and a tampered target (400), and redirects the intact click', async () => {
    const ok = await get(`/t/c/${tokens.click}`);
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe('https://shop.example/sale');

    expect((await get(`/t/c/${tokens.click}.x`)).status).toBe(400);
    expect((await get(`/t/o/${tokens.open}.x.gif`)).status).toBe(400);
    expect((await get(`/t/u/${tokens.unsubscribe}.x`)).status).toBe(400);

    const [payload, mac] = tokens.click.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const retargeted = Buffer.from(JSON.stringify({ ...claims, u: 'https://evil.example/' })).toString('base64url');
    const tampered = await get(`/t/c/${retargeted}.${mac}`);
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('location')).toBeNull();
  });

  it('refuses an expired click with 410 (a token minted 181 days ago), and signed non-web destinations', async () => {
    const s = t.app.config.secret;
    const mine: TrackingClaims = { w: ws, m: 'msg_tokens', p: ada, c: 'email', t: 'tpl' };
    const gone = await get(`/t/c/${signClaims(s, 'click', { ...mine, u: 'https://shop.example/sale' }, Date.now() - 181 * day)}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('token: this link has expired');
    expect((await get(`/t/c/${signClaims(s, 'click', { ...mine, u: 'javascript:alert(1)' })}`)).status).toBe(400);
  });
});
