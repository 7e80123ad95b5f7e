import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createECDH, randomBytes } from 'node:crypto';
import * as ece from 'http_ece';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { ingest } from '../../testing/profiles';
import { resolveProfileId } from '../../profiles';
import { selectRows } from '../../stores/clickhouse/sql';
import { saveTemplate } from '../../templates';
import { sendPush, subscriptionsOf, vapidKeysOf, type PushPayload } from '../index';

interface PushedRequest {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** Plays the browser vendor's push service: records what it is sent, answers with `status`. */
async function startPushService() {
  const state = { status: 201, requests: [] as PushedRequest[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, state, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('web push to a local push service', () => {
  let t: TestServer;
  let push: Awaited<ReturnType<typeof startPushService>>;
  let ws: string;
  // The browser's side of a subscription: its ECDH P-256 key pair and auth secret.
  const browserKeys = createECDH('prime256v1');
  browserKeys.generateKeys();
  const auth = randomBytes(16);
  const subscription = () => ({ endpoint: `${push.base}/push/device-1`, keys: { p256dh: browserKeys.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } });
  const subscribe = (body: unknown, key = t.workspace.writeKey) =>
    fetch(`${t.url}/v1/push/subscribe`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json', origin: 'https://shop.example' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await startTestServer({ postgres: 'postgres' });
    ws = t.workspace.id;
    push = await startPushService();
    await ingest(t.app, ws, [{ type: 'identify', userId: 'ada', traits: { first_name: 'Ada' } }]);
    await saveTemplate(t.app, ws, { name: 'Back in stock', channel: 'web_push', subject: 'Hi {{ profile.traits.first_name }}', body: '{{ event.properties.name }} is back', url: 'https://shop.example/p/{{ event.properties.id }}' });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((r) => push?.server.close(() => r()));
  });

  it('refuses malformed subscriptions, naming the field', async () => {
    const bad = await subscribe({ userId: 'ada', subscription: { ...subscription(), keys: { p256dh: 'abc', auth: auth.toString('base64url') } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/subscription\.keys\.p256dh/);
    const internal = await subscribe({ userId: 'ada', subscription: { ...subscription(), endpoint: 'http://10.0.0.5/push' } });
    expect(internal.status).toBe(400);
    expect((await subscribe({ userId: 'ada', subscription: subscription() }, 'wk_nope')).status).toBe(401);
  });

  it('stores a subscription, sends an encrypted payload with TTL, urgency and topic, tracks the click, and drops it on 410', async () => {
    const res = await subscribe({ userId: 'ada', subscription: subscription() });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
    expect(await subscriptionsOf(t.app, ws, ada)).toHaveLength(1);

    const vapid = await vapidKeysOf(t.app, ws);
    const keyRes = await fetch(`${t.url}/v1/push/vapid-key?writeKey=${t.workspace.writeKey}`);
    expect(((await keyRes.json()) as { publicKey: string }).publicKey).toBe(vapid.publicKey);

    const result = await sendPush(t.app, { workspaceId: ws, profileId: ada, template: 'Back in stock', event: { name: 'Back In Stock', properties: { id: 'p7', name: 'Blue mug' } }, ttl: 3600, urgency: 'high', topic: 'stock-p7' });
    expect(result).toMatchObject({ status: 'sent', delivered: 1 });
    expect(push.state.requests).toHaveLength(1);
    const got = push.state.requests[0]!;
    expect(got.headers.ttl).toBe('3600');
    expect(got.headers.urgency).toBe('high');
    expect(got.headers.topic).toBe('stock-p7');
    expect(got.headers['content-encoding']).toBe('aes128gcm');
    expect(got.headers.authorization).toContain(`k=${vapid.publicKey}`);

    const payload = JSON.parse(ece.decrypt(got.body, { version: 'aes128gcm', privateKey: browserKeys, authSecret: auth }).toString('utf8')) as PushPayload;
    expect(payload).toMatchObject({ title: 'Hi Ada', body: 'Blue mug is back', messageId: result.messageId });

    // A click on the notification opens the tracked redirect.
    const redirect = await fetch(`${t.url}${new URL(payload.url).pathname}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://shop.example/p/p7');
    const beacon = (track: string) => fetch(`${t.url}/v1/push/click`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ track }) });
    expect((await beacon(payload.track)).status).toBe(200);
    expect((await beacon(`${payload.track.slice(0, -2)}xx`)).status).toBe(400);
    const kinds = await selectRows<{ kind: string }>(t.app.clickhouse, `SELECT DISTINCT kind FROM message_events WHERE workspace_id = {ws:String} AND message_id = {m:String} ORDER BY kind`, { ws, m: result.messageId });
    expect(kinds.map((k) => k.kind)).toEqual(['click', 'sent']);

    // The browser unsubscribed: the push service answers 410 and the subscription goes.
    push.state.status = 410;
    const gone = await sendPush(t.app, { workspaceId: ws, profileId: ada, template: 'Back in stock' });
    expect(gone).toMatchObject({ status: 'failed', reason: 'subscription_gone', removed: 1 });
    expect(await subscriptionsOf(t.app, ws, ada)).toHaveLength(0);
    expect(await sendPush(t.app, { workspaceId: ws, profileId: ada, template: 'Back in stock' })).toMatchObject({ status: 'skipped', reason: 'no_push_subscription' });
    expect(push.state.requests).toHaveLength(2);
  });

  it('moves a renewed subscription to the old one\'s profile, and refuses an unknown old endpoint or a bad new one', async () => {
    const resubscribe = (body: unknown) => fetch(`${t.url}/v1/push/resubscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey: t.workspace.writeKey, ...(body as object) }) });
    expect((await subscribe({ userId: 'ada', subscription: { ...subscription(), endpoint: `${push.base}/push/old` } })).status).toBe(200);
    const ada = await resolveProfileId(t.app, ws, { userId: 'ada' });
    const renewed = { ...subscription(), endpoint: `${push.base}/push/renewed` };
    const moved = await resubscribe({ oldEndpoint: `${push.base}/push/old`, subscription: renewed });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ success: true, profileId: ada });
    expect((await subscriptionsOf(t.app, ws, ada)).map((s) => s.endpoint)).toEqual([renewed.endpoint]);
    const unknown = await resubscribe({ oldEndpoint: `${push.base}/push/never`, subscription: renewed });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/^oldEndpoint:/);
    const bad = await resubscribe({ oldEndpoint: renewed.endpoint, subscription: { ...renewed, keys: { ...renewed.keys, auth: 'short' } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/subscription\.keys\.auth/);
    expect((await subscriptionsOf(t.app, ws, ada)).map((s) => s.endpoint)).toEqual([renewed.endpoint]);
  });
});
