import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import { getPlacement, savePlacement } from '../onsite';
import { saveTemplate, templatesWithVariants } from '../templates';
import { createExperiment, experimentByKey, reweightBandits, syncMessageExperiments, syncOnsiteExperiments } from '.';

// Real stores (PGlite, chDB): a placement's variants run as a bandit that moves traffic to the one that sells.
describe('bandit allocation', () => {
  let app: TestApp;
  let workspaceId: string;
  let caller: ReturnType<typeof appRouter.createCaller>;
  const t0 = Date.parse('2026-03-02T10:00:00Z');

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'bandits')).id;
    const user = await createTestUser(app, [workspaceId]);
    caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
  });
  afterAll(() => app?.close());

  const track = (anonymousId: string, event: string, at: number, properties: Record<string, unknown>, messageId: string) =>
    normalizeEvent({ type: 'track', event, anonymousId, messageId, timestamp: new Date(at).toISOString(), properties } as never, { workspaceId, receivedAt: Date.now() });

  it('re-weights an onsite experiment toward the variant that converts, keeps the floor, and keeps the history', async () => {
    const placement = await savePlacement(app, workspaceId, { name: 'Free shipping bar', kind: 'top_bar', content: 'Free shipping', variants: [{ name: 'A' }, { name: 'B', content: 'Free shipping today only' }, { name: 'C', content: 'Shipping on us' }] });
    await syncOnsiteExperiments(app, workspaceId);
    const e = (await experimentByKey(app.postgres.db, workspaceId, `onsite:${placement.id}`))!;
    expect(e).toMatchObject({ allocation: 'fixed', kind: 'onsite' });
    // 300 exposed per variant: B converts at 30 %, A and C at 5 %.
    const rows = [];
    for (const [variant, rate] of [['A', 0.05], ['B', 0.3], ['C', 0.05]] as const) {
      for (let i = 0; i < 300; i++) {
        const id = `${variant}-${i}`;
        rows.push(track(id, '$experiment_exposure', t0 + i * 1000, { experiment: e.key, variant }, `x-${id}`));
        if (i < rate * 300) rows.push(track(id, 'Order Completed', t0 + i * 1000 + 3_600_000, { revenue: 30 }, `o-${id}`));
      }
    }
    await insertEvents(app.clickhouse, rows);

    await expect(caller.experiments.switchToBandit({ workspaceId, experimentId: e.id, minWeight: 0.4 })).rejects.toThrow(/minWeight/);
    const bandit = await caller.experiments.switchToBandit({ workspaceId, experimentId: e.id, minWeight: 0.05 });
    expect(bandit.allocation).toBe('bandit');
    const weight = (name: string) => bandit.variants.find((v) => v.name === name)!.weight;
    // B is best with near certainty: it gets all but the two floors.
    expect(weight('B')).toBeGreaterThan(85);
    expect(weight('A')).toBeGreaterThanOrEqual(5);
    expect(weight('C')).toBeGreaterThanOrEqual(5);
    // Where visitors are assigned follows, and the sync from the placement keeps the bandit's weights.
    const p = (await getPlacement(app, workspaceId, placement.id))!;
    expect(p.variants.map((v) => v.weight)).toEqual(bandit.variants.map((v) => v.weight));
    await syncOnsiteExperiments(app, workspaceId);
    expect((await experimentByKey(app.postgres.db, workspaceId, e.key))!.variants).toEqual(bandit.variants);

    // The scheduler's tick adds a point to the history; the readout skips the sample-ratio check it would fail.
    expect((await reweightBandits(app, new Date(Date.now() + 60_000))).experiments).toBeGreaterThanOrEqual(1);
    const history = await caller.experiments.weights({ workspaceId, experimentId: e.id });
    expect(history).toHaveLength(2);
    expect(history[1]!.exposures).toBe(900);
    expect(history[1]!.weights.B).toBeGreaterThan(85);
    const r = await caller.experiments.readout({ workspaceId, experimentId: e.id });
    expect(r.readout.srm).toMatchObject({ checked: false, flagged: false });
  });

  it("re-weights a message experiment's template variants, which decide who gets which", async () => {
    const body = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;
    const template = await saveTemplate(app, workspaceId, { name: 'Spring sale', channel: 'email', subject: 'Spring sale', body: body('Sale'), variants: [{ key: 'plain' }, { key: 'urgent', subject: 'Last day of the sale' }] });
    await syncMessageExperiments(app, workspaceId);
    const e = (await experimentByKey(app.postgres.db, workspaceId, `message:${template.id}`))!;
    const rows = [];
    for (const [variant, buyers] of [['plain', 5], ['urgent', 40]] as const) {
      for (let i = 0; i < 200; i++) {
        const id = `${variant}-mail-${i}`;
        rows.push(track(id, '$experiment_exposure', t0 + i * 1000, { experiment: e.key, variant }, `x-${id}`));
        if (i < buyers) rows.push(track(id, 'Order Completed', t0 + i * 1000 + 3_600_000, { revenue: 30 }, `o-${id}`));
      }
    }
    await insertEvents(app.clickhouse, rows);
    const bandit = await caller.experiments.switchToBandit({ workspaceId, experimentId: e.id, minWeight: 0.1 });
    expect(bandit.variants.find((v) => v.name === 'urgent')!.weight).toBeGreaterThan(85);
    expect(bandit.variants.find((v) => v.name === 'plain')!.weight).toBeGreaterThanOrEqual(10);
    const [saved] = (await templatesWithVariants(app, workspaceId)).filter((t) => t.id === template.id);
    expect(saved!.variants.map((v) => [v.key, v.weight])).toEqual(bandit.variants.map((v) => [v.name, v.weight]));
  });

  it('refuses a bandit where weights must stay fixed', async () => {
    const e = await createExperiment(app.postgres.db, workspaceId, { key: 'holdout:test', name: 'h', kind: 'holdout', variants: [{ name: 'control', weight: 10 }, { name: 'treatment', weight: 90 }], metrics: [{ kind: 'revenue', name: 'Revenue', windowHours: 24 }] });
    await expect(caller.experiments.switchToBandit({ workspaceId, experimentId: e.id })).rejects.toThrow(/^kind: /);
  });
});
