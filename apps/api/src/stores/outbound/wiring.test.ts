// Every sender that calls a destination someone gave us goes through the app's outbound guard: the
// destinations are refused when saved, and again when called (a stored row, or a name that later
// resolves to an internal address). The app here has no operator allow-list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createECDH, randomBytes } from 'node:crypto';
import { createTestUser, startTestServer, type TestServer } from '@overture/api/testing';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp';
import { ingest } from '../../testing/profiles';
import { resolveProfileId } from '../../profiles';
import { saveTemplate } from '../../templates';
import { closeTransports, EmailSettingsError, saveEmailSettings, saveSubscription, sendEmail, sendPush } from '../../channels';
import { saveJourneySettings, SignedWebhookCaller } from '../../journeys';
import { WebhookRefusedError } from '../../journeys/webhook';
import { saveActionPolicy } from '../../service-messages';
import { appRouter } from '../../trpc/root';
import { OutboundGuard, type ResolvedAddress } from './index';

/**
 * `rebind.test` resolves to loopback, as a name an attacker controls can at any moment;
 * `mail.rebind.test` answers a public address once, then loopback.
 */
let mailLookups = 0;
const rebindingDns = async (hostname: string): Promise<ResolvedAddress[]> => {
  if (hostname === 'rebind.test') return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'mail.rebind.test') return [{ address: mailLookups++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

describe('senders behind the outbound guard (no operator allow-list)', () => {
  let t: TestServer;
  let ws: string;
  let smtp: SmtpSink;
  let receiver: Server;
  let port: number;
  let connections = 0;
  const browserKeys = createECDH('prime256v1');
  browserKeys.generateKeys();
  const keys = { p256dh: browserKeys.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
  const subscribe = (endpoint: string) =>
    fetch(`${t.url}/v1/push/subscribe`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'ada', subscription: { endpoint, keys } }),
    });

  beforeAll(async () => {
    t = await startTestServer({ postgres: 'pglite', env: { OUTBOUND_ALLOW: '' } });
    t.app.outbound = new OutboundGuard({ resolve: rebindingDns });
    ws = t.workspace.id;
    smtp = await startSmtpSink();
    receiver = createServer((_req, res) => res.writeHead(200).end('ok'));
    receiver.on('connection', () => connections++);
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    port = (receiver.address() as AddressInfo).port;
    await ingest(t.app, ws, [{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com' } }]);
    await saveTemplate(t.app, ws, { name: 'Push', channel: 'web_push', subject: 'Hi', body: 'Back', url: 'https://shop.example/' });
    await saveTemplate(t.app, ws, { name: 'Mail', channel: 'email', subject: 'Hi', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>' });
  });
  afterAll(async () => {
    closeTransports(t.app);
    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    await smtp.close();
    await t.close();
  });

  it('refuses push endpoints aimed at this machine, private networks or metadata services, naming the field', async () => {
    const internal = [
      'https://[::ffff:127.0.0.1]/push',
      'https://127.0.0.2/push',
      'https://0.0.0.0/push',
      'https://10.0.0.5/push',
      'https://192.168.1.20/push',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/latest',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://localhost/push',
      `http://127.0.0.1:${port}/push`,
      'http://fcm.googleapis.com/fcm/send/x',
    ];
    for (const endpoint of internal) {
      const res = await subscribe(endpoint);
      expect([endpoint, res.status]).toEqual([endpoint, 400]);
      expect(((await res.json()) as { error: string }).error).toMatch(/^subscription\.endpoint: must be/);
    }
    expect((await subscribe('https://fcm.googleapis.com/fcm/send/device-token')).status).toBe(200);
  });

  it('refuses at send time a push endpoint that is internal or resolves to an internal address, without connecting', async () => {
    const ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
    // Rows as an older version stored them, or a name whose DNS changed after the subscribe.
    await saveSubscription(t.app, ws, ada, { endpoint: `http://127.0.0.1:${port}/push/1`, keys });
    await saveSubscription(t.app, ws, ada, { endpoint: `https://rebind.test:${port}/push/2`, keys });
    const before = connections;
    const result = await sendPush(t.app, { workspaceId: ws, profileId: ada, template: 'Push' });
    expect(result.status).toBe('failed');
    expect(result.status === 'failed' && result.reason).toMatch(/127\.0\.0\.1 is a loopback address.*rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
    expect(connections).toBe(before);
  });

  it('refuses an SMTP host that is or resolves to an internal address when saved (400 naming host), and at connection time', async () => {
    for (const host of ['127.0.0.1', '::1', '169.254.169.254', '0.0.0.0', 'metadata.google.internal', 'rebind.test']) {
      await expect(saveEmailSettings(t.app, ws, { host, port: smtp.port, fromAddress: 'shop@example.com' }), host).rejects.toThrow(EmailSettingsError);
    }
    await expect(saveEmailSettings(t.app, ws, { host: 'rebind.test', port: smtp.port, fromAddress: 'shop@example.com' })).rejects.toThrow('host: rebind.test resolves to 127.0.0.1, a loopback address');
    const user = await createTestUser(t.app, [ws]);
    const caller = appRouter.createCaller({ app: t.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    await expect(caller.channels.saveEmailSettings({ workspaceId: ws, settings: { host: '10.1.1.1', port: 25, fromAddress: 'shop@example.com' } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'host: 10.1.1.1 is a private address' });

    // A row stored before this check: the connection is refused, the address is not suppressed.
    await t.app.postgres.db.insertInto('email_settings').values({ workspace_id: ws, host: '127.0.0.1', port: smtp.port, secure: false, username: '', password_enc: '', from_address: 'shop@example.com', from_name: '' }).execute();
    const ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
    const result = await sendEmail(t.app, { workspaceId: ws, profileId: ada, template: 'Mail' });
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringContaining('127.0.0.1 is a loopback address') });

    // A name that was public when saved and resolves to loopback when the pool connects.
    await saveEmailSettings(t.app, ws, { host: 'mail.rebind.test', port: smtp.port, fromAddress: 'shop@example.com' });
    const rebound = await sendEmail(t.app, { workspaceId: ws, profileId: ada, template: 'Mail' });
    expect(rebound).toMatchObject({ status: 'failed', reason: expect.stringContaining('mail.rebind.test resolves to 127.0.0.1, a loopback address') });
    expect(mailLookups).toBe(2);
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses internal webhook allow-list entries and action-policy URLs when saved, naming the field', async () => {
    const user = await createTestUser(t.app, [ws]);
    const caller = appRouter.createCaller({ app: t.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    await expect(caller.journeys.saveSettings({ workspaceId: ws, settings: { webhookHosts: ['api.shop.example', '169.254.169.254', 'localhost:8080', '10.0.0.1:443', '*.localhost'] } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/webhookHosts\.1: .*metadata.*webhookHosts\.2: .*localhost.*webhookHosts\.3: .*10\.0\.0\.1 is a private address.*webhookHosts\.4: /),
    });
    // Without the app's guard (its allow-list), no internal host passes either.
    await expect(saveJourneySettings(t.app.postgres.db, ws, { webhookHosts: ['127.0.0.1:8080'] })).rejects.toThrow(/webhookHosts\.0|loopback/);
    for (const webhookUrl of ['http://[::ffff:127.0.0.1]:8080/x', 'https://169.254.169.254/x', 'http://0.0.0.0/x', 'https://[fe80::1]/x', 'http://2130706433/x']) {
      await expect(caller.serviceMessages.savePolicy({ workspaceId: ws, policy: { webhookUrl } }), webhookUrl).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^webhookUrl: must be a public address/) });
    }
    await expect(caller.serviceMessages.savePolicy({ workspaceId: ws, policy: { webhookUrl: 'not a url' } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^webhookUrl: .*an http\(s\) URL$/) });
    expect((await saveActionPolicy(t.app, ws, { webhookUrl: 'https://api.shop.example/actions' })).webhookUrl).toBe('https://api.shop.example/actions');
  });

  it('refuses a webhook whose allow-listed name resolves to loopback, without retrying or connecting', async () => {
    const before = connections;
    const caller = new SignedWebhookCaller({ appSecret: t.app.config.secret, allowedHosts: async () => [`rebind.test:${port}`, `127.0.0.1:${port}`], outbound: t.app.outbound, backoffMs: 1 });
    const call = (url: string) => caller.call({ workspaceId: ws, url, body: {}, timeoutMs: 1_000, retries: 3, idempotencyKey: 'k' });
    await expect(call(`http://rebind.test:${port}/hook`)).rejects.toThrow(WebhookRefusedError);
    await expect(call(`http://127.0.0.1:${port}/hook`)).rejects.toThrow(/127\.0\.0\.1 is a loopback address/);
    expect(connections).toBe(before);
  });
});
