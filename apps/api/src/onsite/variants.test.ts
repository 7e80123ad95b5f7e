import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentHash, variantForHash } from '@overture/journeys';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { selectRows } from '../stores/clickhouse/sql';
import { profileIdFor } from '../profiles';
import { decide, type Decision } from './decide';
import { exposuresWritten } from './exposures';
import { recordOnsiteEvents } from './events';
import { savePlacement, type Placement } from './placements';

// Real stores (PGlite, chDB): placements with variants go through decide, their exposures into
// ClickHouse, their experiment through the dashboard API.
describe('onsite placement variants', () => {
  let app: TestApp;
  let ctx: Context;
  let workspaceId: string;
  const visitors = Array.from({ length: 40 }, (_, i) => `visitor-${i}`);
  const url = new URL('https://shop.example/products/mug');

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'onsite-variants')).id;
    const user = await createTestUser(app, [workspaceId]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
  });
  afterAll(() => app?.close());

  const caller = () => appRouter.createCaller(ctx);
  const decideFor = async (anonymousId: string): Promise<Decision[]> => {
    const r = await decide(app, { workspaceId, anonymousId, url, budgetMs: 30_000 });
    expect(r.partial).toBeUndefined();
    return r.placements;
  };
  // The documented rule, computed here from the hash alone: GrowthBook's v2 hash of key + profile id over the weights.
  const expected = (p: Placement, anonymousId: string) => p.variants[variantForHash(experimentHash(`onsite:${p.id}`, profileIdFor(workspaceId, anonymousId)), p.variants.map((v) => v.weight))]!;
  const exposures = (key: string) =>
    selectRows<{ distinct_id: string; variant: string; n: string }>(
      app.clickhouse,
      `SELECT distinct_id, any(variant) AS variant, count() AS n FROM experiment_exposures FINAL WHERE workspace_id = {ws:String} AND experiment = {key:String} GROUP BY distinct_id`,
      { ws: workspaceId, key },
    );

  it('refuses a single variant or a duplicate name, naming the field', async () => {
    await expect(savePlacement(app, workspaceId, { name: 'One', kind: 'modal', content: 'x', variants: [{ name: 'A' }] })).rejects.toThrow(/^variants: /);
    await expect(savePlacement(app, workspaceId, { name: 'Two', kind: 'modal', content: 'x', variants: [{ name: 'A' }, { name: 'A' }] })).rejects.toThrow(/^variants\.1\.name: /);
    await expect(savePlacement(app, workspaceId, { name: 'Three', kind: 'inline', target: 'hero', content: 'x', variants: [{ name: 'A' }, { name: 'B', layout: 'modal' }] })).rejects.toThrow(/^variants\.1\.layout: /);
    await expect(savePlacement(app, workspaceId, { name: 'Four', kind: 'modal', content: 'x', variants: [{ name: 'A', control: true }, { name: 'B', control: true }] })).rejects.toThrow(/^variants: /);
  });

  it('shows each visitor their variant, the same on every call, logs one exposure each, and after a winner everyone sees it', async () => {
    const p = await savePlacement(app, workspaceId, {
      name: 'Summer sale',
      kind: 'slide_in',
      content: '<p>Base offer</p>',
      variants: [
        { name: 'Control', control: true },
        { name: 'Ten off', content: '<p>Ten percent off</p>' },
        { name: 'Free shipping', content: '<p>Free shipping today</p>', layout: 'modal' },
      ],
    });
    const seen = new Map<string, string>();
    for (const v of visitors) {
      const first = await decideFor(v);
      const again = await decideFor(v);
      expect(again.map(({ token: _, ...d }) => d)).toEqual(first.map(({ token: _, ...d }) => d));
      const want = expected(p, v);
      seen.set(v, want.name);
      if (want.control) expect(first).toEqual([]);
      else {
        expect(first).toHaveLength(1);
        expect(first[0]!.html).toBe(want.content);
        expect(first[0]!.kind).toBe(want.layout ?? 'slide_in');
      }
    }
    // All three variants came up among 40 visitors (odds of missing one: about 3 · (2/3)^40).
    expect(new Set(seen.values())).toEqual(new Set(['Control', 'Ten off', 'Free shipping']));

    await exposuresWritten(app);
    const logged = await exposures(`onsite:${p.id}`);
    expect(logged).toHaveLength(visitors.length);
    for (const row of logged) {
      expect(Number(row.n)).toBe(1);
      expect(row.variant).toBe(seen.get(row.distinct_id));
    }

    // The experiment is there by the placement's name, with its variants and default metrics.
    const list = await caller().experiments.list({ workspaceId });
    const e = list.find((x) => x.key === `onsite:${p.id}`)!;
    expect(e).toMatchObject({ name: 'Summer sale', kind: 'onsite', sourceRef: p.id, status: 'running' });
    expect(e.variants.map((v) => v.name)).toEqual(['Control', 'Ten off', 'Free shipping']);
    expect(e.metrics.map((m) => m.kind)).toEqual(['conversion', 'revenue', 'guardrail']);
    expect(e.exposures).toBe(visitors.length);

    // Impressions, clicks and dismissals carry the variant shown.
    const shown = visitors.find((v) => seen.get(v) === 'Free shipping')!;
    const [d] = await decideFor(shown);
    await recordOnsiteEvents(app, workspaceId, [
      { token: d!.token, kind: 'impression' },
      { token: d!.token, kind: 'dismiss' },
    ]);
    const outcomes = await selectRows<{ kind: string; variant: string }>(app.clickhouse, `SELECT kind, variant FROM message_events WHERE workspace_id = {ws:String} AND template_id = {p:String} ORDER BY kind`, { ws: workspaceId, p: p.id });
    expect(outcomes).toEqual([
      { kind: 'dismiss', variant: 'Free shipping' },
      { kind: 'impression', variant: 'Free shipping' },
    ]);

    await caller().experiments.pickWinner({ workspaceId, experimentId: e.id, variant: 'Ten off' });
    const newcomers = Array.from({ length: 10 }, (_, i) => `newcomer-${i}`);
    for (const v of [...visitors.filter((x) => x !== shown), ...newcomers]) {
      const after = await decideFor(v);
      expect(after.map((x) => [x.kind, x.html])).toEqual([['slide_in', '<p>Ten percent off</p>']]);
    }
    // A decided experiment exposes nobody any more.
    await exposuresWritten(app);
    expect(await exposures(`onsite:${p.id}`)).toHaveLength(visitors.length);
  });

  it('a control that wins hides the placement from everyone', async () => {
    const p = await savePlacement(app, workspaceId, { name: 'Exit offer', kind: 'top_bar', content: '<b>Wait!</b>', variants: [{ name: 'Hidden', control: true }, { name: 'Shown' }] });
    const mine = async (v: string) => (await decideFor(v)).filter((d) => d.id === p.id);
    for (const v of visitors) expect((await mine(v)).map((d) => d.html)).toEqual(expected(p, v).control ? [] : ['<b>Wait!</b>']);
    const e = (await caller().experiments.list({ workspaceId })).find((x) => x.key === `onsite:${p.id}`)!;
    await caller().experiments.pickWinner({ workspaceId, experimentId: e.id, variant: 'Hidden' });
    for (const v of visitors) expect(await mine(v)).toEqual([]);
    // Saving the placement again keeps the decision while the winner is still a variant.
    await savePlacement(app, workspaceId, { id: p.id, name: 'Exit offer', kind: 'top_bar', content: '<b>Wait!!</b>', variants: [{ name: 'Hidden', control: true }, { name: 'Shown' }] });
    for (const v of visitors.slice(0, 5)) expect(await mine(v)).toEqual([]);
  });
});
