import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { subscriptionsOf } from '../index';

// Both stores: the answer depends on what the driver reports as deleted rows.
describe.each(['pglite', 'postgres'] as const)('POST /v1/push/unsubscribe on %s', (postgres) => {
  let t: TestServer;
  const call = (path: string, body: unknown) =>
    fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await startTestServer({ postgres });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('says removed:true when it removed the subscription, and removed:false when there was none', async () => {
    const endpoint = 'https://push.example.com/send/device-1';
    const keys = { p256dh: Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url'), auth: randomBytes(16).toString('base64url') };
    const subscribed = await call('/v1/push/subscribe', { subscription: { endpoint, keys }, userId: 'ada' });
    expect(subscribed.status).toBe(200);
    const { profileId } = (await subscribed.json()) as { profileId: string };
    expect(await subscriptionsOf(t.app, t.workspace.id, profileId)).toHaveLength(1);

    const first = await call('/v1/push/unsubscribe', { endpoint });
    expect(await first.json()).toEqual({ success: true, removed: true });
    expect(await subscriptionsOf(t.app, t.workspace.id, profileId)).toHaveLength(0);
    expect(await (await call('/v1/push/unsubscribe', { endpoint })).json()).toEqual({ success: true, removed: false });
  });
});
