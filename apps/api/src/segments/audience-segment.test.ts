import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { daysAgo, ingest } from '../testing/profiles';
import { recomputeWorkspace } from './recompute';
import { segmentMemberIds } from './members';

// "Save as segment" from a filtered profiles list: the saved segment's members are the list's people.
describe('saving a filtered profiles list as a segment', () => {
  let app: TestApp;
  let workspaceId: string;
  let caller: ReturnType<typeof appRouter.createCaller>;

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'audience-segment')).id;
    const user = await createTestUser(app, [workspaceId]);
    const ctx: Context = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    caller = appRouter.createCaller(ctx);
    // Buyers spread over recency and frequency, so the RFM grid has several cells and names.
    const buyers = Array.from({ length: 12 }, (_, i) => ({ id: `buyer-${i}`, orders: (i % 4) + 1, lastDaysAgo: 2 + i * 25 }));
    await ingest(app, workspaceId, [
      ...buyers.flatMap((b) => [
        { type: 'identify', userId: b.id, traits: { email: `${b.id}@example.com`, plan: b.orders > 2 ? 'pro' : 'free' }, timestamp: daysAgo(b.lastDaysAgo + 30) },
        ...Array.from({ length: b.orders }, (_, k) => ({ type: 'track', event: 'Order Completed', userId: b.id, properties: { revenue: 20 + k * 10 }, timestamp: daysAgo(b.lastDaysAgo + k * 3) })),
      ]),
      { type: 'page', anonymousId: 'browser-only', name: 'Home', properties: { path: '/' }, timestamp: daysAgo(1) },
    ]);
    await recomputeWorkspace(app, workspaceId);
  }, 120_000);
  afterAll(() => app?.close());

  const listed = async (filter: { segmentId?: string; rfm?: { r: number; f: number }; rfmSegment?: string }) => {
    const page = await caller.profiles.list({ workspaceId, ...(filter as object), limit: 200 });
    expect(page.total).toBe(page.rows.length);
    return page.rows.map((r) => r.id).sort();
  };
  const saved = async (name: string, filter: Parameters<typeof listed>[0]) => {
    const segment = await caller.segments.createFromAudience({ workspaceId, name, ...(filter as object) });
    return { segment, members: (await segmentMemberIds(app, workspaceId, segment.id)).sort() };
  };

  it('by RFM segment name: the list filters on it, the saved segment holds the same people', async () => {
    const everyone = await caller.profiles.list({ workspaceId, limit: 200 });
    const names = [...new Set(everyone.rows.map((r) => r.rfmSegment).filter(Boolean))];
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) {
      const ids = await listed({ rfmSegment: name });
      expect(ids).toEqual(everyone.rows.filter((r) => r.rfmSegment === name).map((r) => r.id).sort());
      const { segment, members } = await saved(`RFM ${name}`, { rfmSegment: name });
      expect(segment.definition).toEqual({ type: 'rfm_segment', segments: [name] });
      expect(members).toEqual(ids);
    }
  });

  it('by RFM cell, and by a segment and a cell at once', async () => {
    const everyone = await caller.profiles.list({ workspaceId, limit: 200 });
    const scored = everyone.rows.find((r) => r.rfm)!;
    const rfm = { r: Number(scored.rfm[0]), f: Number(scored.rfm[1]) };
    const cell = await listed({ rfm });
    expect(cell.length).toBeGreaterThan(0);
    const byCell = await saved('One cell', { rfm });
    expect(byCell.members).toEqual(cell);

    const pro = await caller.segments.create({ workspaceId, name: 'Pro plan', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    const both = await listed({ segmentId: pro.id, rfm });
    const combined = await saved('Pro in the cell', { segmentId: pro.id, rfm });
    expect(combined.segment.definition).toMatchObject({ type: 'and' });
    expect(combined.members).toEqual(both);
    expect(both.every((id) => cell.includes(id))).toBe(true);
  });

  it('refuses to save everyone, an unknown RFM name and a taken name, naming the field', async () => {
    await expect(caller.segments.createFromAudience({ workspaceId, name: 'Everyone' })).rejects.toThrow(/definition/);
    await expect(caller.segments.createFromAudience({ workspaceId, name: 'Nope', rfmSegment: 'Sleepers' as never })).rejects.toThrow(/rfmSegment/);
    await expect(caller.segments.createFromAudience({ workspaceId, name: 'One cell', rfm: { r: 1, f: 1 } })).rejects.toThrow(/name/);
  });
});
