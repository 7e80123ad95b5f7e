import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, postBatch, startTestServer, type TestServer } from '../testing';
import { until } from '../testing/journeys';
import { findProfileId } from '../profiles';
import { appRouter } from '../trpc/root';
import { catalogSettingsOf, setCatalogSettings } from './settings';

// A workspace's price-drop threshold and look-back window, saved through the dashboard's procedure,
// decide who hears about a feed's change: real server, worker, chDB, PostgreSQL and Redis.
describe('catalog alert settings', () => {
  let t: TestServer;
  const day = 86_400_000;
  const feed = (price: number) =>
    fetch(`${t.url}/v1/catalog`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.workspace.secretKey}` },
      body: JSON.stringify([{ product_id: 'lamp', name: 'Brass lamp', price, currency: 'GBP', availability: 'in_stock' }]),
    }).then(async (r) => {
      expect(r.status).toBe(200);
      return ((await r.json()) as { announced: number }).announced;
    });

  beforeAll(async () => {
    t = await startTestServer({ worker: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fires on a 5 % drop at a 5 % threshold and not at the default 10 %, within the saved window', async () => {
    const user = await createTestUser(t.app, [t.workspace.id]);
    const caller = appRouter.createCaller({ app: t.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const workspaceId = t.workspace.id;
    expect(await caller.catalog.settings({ workspaceId })).toEqual({ priceDropPercent: 10, momentWindowDays: 30 });

    expect(await feed(80)).toBe(0);
    const viewed = await postBatch(t, [
      { type: 'track', event: 'Product Viewed', userId: 'ann', properties: { product_id: 'lamp', name: 'Brass lamp' } },
      { type: 'track', event: 'Product Added', userId: 'bob', timestamp: new Date(Date.now() - 10 * day).toISOString(), properties: { product_id: 'lamp' } },
    ]);
    expect(viewed.status).toBe(200);
    await until(async () => [await findProfileId(t.app, workspaceId, 'ann'), await findProfileId(t.app, workspaceId, 'bob')], (ids) => ids.every(Boolean), 20_000, 'both profiles');

    // 80 → 76 is 5 %: below the default threshold (and the default is now in this process's cache).
    expect(await feed(76)).toBe(0);

    expect(await caller.catalog.setSettings({ workspaceId, priceDropPercent: 5, momentWindowDays: 7 })).toEqual({ priceDropPercent: 5, momentWindowDays: 7 });
    // 76 → 72.2 is exactly 5 %; bob added it to his cart 10 days ago, outside a 7-day window.
    expect(await feed(72.2)).toBe(1);
    await caller.catalog.setSettings({ workspaceId, momentWindowDays: 30 });
    expect(await caller.catalog.settings({ workspaceId })).toEqual({ priceDropPercent: 5, momentWindowDays: 30 });
    expect(await feed(68.59)).toBe(2);

    const rs = await t.app.clickhouse.query({
      query: `SELECT user_id, JSONExtractFloat(properties, 'old_price') AS old_price, JSONExtractFloat(properties, 'new_price') AS new_price FROM events FINAL
              WHERE workspace_id = {ws:String} AND event = 'Price Drop' ORDER BY new_price DESC, user_id`,
      query_params: { ws: workspaceId },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([
      { user_id: 'ann', old_price: 76, new_price: 72.2 },
      { user_id: 'ann', old_price: 72.2, new_price: 68.59 },
      { user_id: 'bob', old_price: 72.2, new_price: 68.59 },
    ]);
  });

  it('rejects a threshold outside 1–90 % naming the field, and keeps the saved one', async () => {
    const user = await createTestUser(t.app, [t.workspace.id]);
    const caller = appRouter.createCaller({ app: t.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const workspaceId = t.workspace.id;
    const before = await catalogSettingsOf(t.app, workspaceId);
    for (const bad of [0.5, 95, Number.NaN]) {
      // The caller gets zod's issues (over HTTP the error formatter turns them into `field: message`, as the dashboard's e2e test shows).
      await expect(caller.catalog.setSettings({ workspaceId, priceDropPercent: bad })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/"priceDropPercent"[\s\S]*must be (a percentage between 1 and 90|a number)/) });
      await expect(setCatalogSettings(t.app, workspaceId, { priceDropPercent: bad })).rejects.toThrow(/^priceDropPercent: must be (a percentage between 1 and 90|a number)/);
    }
    await expect(setCatalogSettings(t.app, workspaceId, { momentWindowDays: 0 })).rejects.toThrow(/^momentWindowDays: must be between 1 and 365 days/);
    expect(await catalogSettingsOf(t.app, workspaceId)).toEqual(before);
  });
});
