import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@overture/stats';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import { resolveProfileId } from '../profiles';
import { assignVariant, createExperiment, exposeProfile, pickWinner, readoutOf, updateExperimentSettings, type Experiment } from '.';

// Real stores (PGlite, chDB): exposures and conversions go in as events, the readout comes back
// through the dashboard API.
describe('experiments on real stores', () => {
  let app: TestApp;
  let ctx: Context;
  let workspaceId: string;
  const t0 = Date.parse('2026-03-02T10:00:00Z');
  const hour = 3_600_000;

  beforeAll(async () => {
    app = await createTestApp();
    workspaceId = (await createWorkspace(app.postgres.db, 'experiments')).id;
    const user = await createTestUser(app, [workspaceId]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
  });
  afterAll(() => app?.close());

  const track = (anonymousId: string, event: string, at: number, properties: Record<string, unknown>, messageId: string) =>
    normalizeEvent({ type: 'track', event, anonymousId, messageId, timestamp: new Date(at).toISOString(), properties } as never, { workspaceId, receivedAt: Date.now() });

  async function newExperiment(key: string, engine: 'bayesian' | 'frequentist' = 'frequentist'): Promise<Experiment> {
    return createExperiment(app.postgres.db, workspaceId, {
      key,
      name: key,
      kind: 'message',
      variants: [
        { name: 'A', weight: 1 },
        { name: 'B', weight: 1 },
      ],
      metrics: [
        { kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 },
        { kind: 'revenue', name: 'Revenue', windowHours: 72 },
      ],
      engine,
    });
  }

  /**
   * n visitors assigned by the experiment's hash; a visitor converts with the rate of their variant
   * within the window. Noise the readout must ignore: orders after the window, other events.
   * `lose` drops that share of B's exposures (a broken split: B's exposures go missing).
   */
  async function simulate(e: Experiment, n: number, rates: Record<string, number>, seed: number, lose = 0) {
    const random = seededRandom(seed);
    const rows = [];
    for (let i = 0; i < n; i++) {
      const id = `${e.key}-v${i}`;
      const { variant } = assignVariant(e, id);
      const at = t0 + Math.floor(random() * 24) * hour;
      if (!(variant === 'B' && random() < lose)) rows.push(track(id, '$experiment_exposure', at, { experiment: e.key, variant }, `x-${id}`));
      if (random() < rates[variant]!) rows.push(track(id, 'Order Completed', at + 2 * hour, { revenue: 20 }, `o-${id}`));
      if (random() < 0.3) rows.push(track(id, 'Order Completed', at + 100 * hour, { revenue: 500 }, `late-${id}`));
      if (random() < 0.3) rows.push(track(id, 'Product Viewed', at + hour, {}, `pv-${id}`));
    }
    for (let i = 0; i < rows.length; i += 5_000) await insertEvents(app.clickhouse, rows.slice(i, i + 5_000));
  }

  const readout = (e: Experiment) => appRouter.createCaller(ctx).experiments.readout({ workspaceId, experimentId: e.id });
  // The readout is cached with an as-of time; after a change to the data the test asks for a fresh one, as the Refresh button does.
  const freshReadout = async (e: Experiment) => {
    await appRouter.createCaller(ctx).experiments.refreshReadout({ workspaceId, experimentId: e.id });
    return readout(e);
  };

  it('detects B converting 20 % better (10 % vs 12 %, 20 000 visitors) through the tRPC readout', async () => {
    const e = await newExperiment('checkout-cta');
    await simulate(e, 20_000, { A: 0.1, B: 0.12 }, 1);
    const { readout: r } = await readout(e);
    expect(r.exposures).toBe(20_000);
    expect(r.srm.flagged).toBe(false);
    const [conversion, revenue] = r.metrics;
    expect(conversion!.variants[0]!.value).toBeGreaterThan(0.09);
    expect(conversion!.variants[0]!.value).toBeLessThan(0.11);
    const b = conversion!.comparisons[0]!;
    expect(b.verdict).toBe('better');
    expect(b.ci[0]).toBeGreaterThan(0);
    expect(b.ci[0]).toBeLessThan(0.2);
    expect(b.ci[1]).toBeGreaterThan(0.2);
    // Orders after the 72 h window are not counted: revenue per profile is 20 × the conversion rate.
    expect(revenue!.variants[1]!.value).toBeCloseTo(20 * conversion!.variants[1]!.value, 8);
    expect(r.verdict).toMatchObject({ status: 'winner', variant: 'B' });
  });

  it('rarely finds a difference when A = B: 20 seeded A/A experiments, fixed and sequential tests at α = 0.05', async () => {
    let fixed = 0;
    let sequential = 0;
    const shared = workspaceId;
    try {
      for (let seed = 100; seed < 120; seed++) {
        // A workspace each, so every readout reads its own 2 000 visitors only.
        workspaceId = (await createWorkspace(app.postgres.db, `aa-${seed}`)).id;
        const e = await newExperiment(`aa-${seed}`);
        await simulate(e, 2_000, { A: 0.1, B: 0.1 }, seed);
        const r = (await readoutOf(app, workspaceId, e)).readout;
        expect(r.exposures).toBe(2_000);
        if (r.metrics[0]!.comparisons[0]!.pValue! < 0.05) fixed++;
        const s = (await readoutOf(app, workspaceId, await updateExperimentSettings(app.postgres.db, workspaceId, e.id, { sequential: true }))).readout;
        expect(s.engine).toBe('sequential');
        if (s.metrics[0]!.comparisons[0]!.pValue! < 0.05) sequential++;
      }
    } finally {
      workspaceId = shared;
    }
    // 20 tests at 5 %: more than 3 rejections has probability 1.6 %; the sequential test rejects no more often.
    expect(fixed).toBeLessThanOrEqual(3);
    expect(sequential).toBeLessThanOrEqual(fixed);
  });

  it('flags a sample-ratio mismatch when a tenth of B’s exposures are lost', async () => {
    const e = await newExperiment('broken-split');
    await simulate(e, 20_000, { A: 0.1, B: 0.1 }, 3, 0.1);
    const { readout: r } = await readout(e);
    expect(r.srm.flagged).toBe(true);
    expect(r.srm.pValue).toBeLessThan(0.001);
    expect(r.verdict.status).toBe('srm');
  });

  it('counts a person once, in their first exposure’s variant, after their identities merge; exposes once; a winner takes everyone', async () => {
    const e = await newExperiment('sticky');
    // Two devices, exposed before they are known to be one person.
    const first = await exposeProfile(app, workspaceId, e, { anonymousId: 'phone' });
    await exposeProfile(app, workspaceId, e, { anonymousId: 'phone' });
    await insertEvents(app.clickhouse, [track('laptop', '$experiment_exposure', Date.now() + hour, { experiment: e.key, variant: first.variant === 'A' ? 'B' : 'A' }, 'x-laptop')]);
    let r = (await readout(e)).readout;
    expect(r.exposures).toBe(2);
    // Signing in on both links them into one profile.
    const profile = await resolveProfileId(app, workspaceId, { userId: 'ann', anonymousId: 'phone' });
    expect(await resolveProfileId(app, workspaceId, { userId: 'ann', anonymousId: 'laptop' })).toBe(profile);
    r = (await freshReadout(e)).readout;
    expect(r.exposures).toBe(1);
    expect(r.variants.find((v) => v.n === 1)!.name).toBe(first.variant);
    // The merged person keeps the variant of the first exposure, whatever the hash of the surviving profile says.
    expect((await exposeProfile(app, workspaceId, e, { userId: 'ann' })).variant).toBe(first.variant);

    const won = await appRouter.createCaller(ctx).experiments.pickWinner({ workspaceId, experimentId: e.id, variant: 'B' });
    expect(won).toMatchObject({ status: 'winner', winner: 'B' });
    expect((await exposeProfile(app, workspaceId, won, { anonymousId: 'newcomer' })).variant).toBe('B');
    expect((await freshReadout(e)).readout.exposures).toBe(1);
    await expect(pickWinner(app.postgres.db, workspaceId, e.id, 'A')).rejects.toThrow(/already/);
  });

  it('refuses bad input naming the field', async () => {
    const caller = appRouter.createCaller(ctx);
    await expect(caller.experiments.pickWinner({ workspaceId, experimentId: (await newExperiment('named')).id, variant: 'Z' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('variant') });
    await expect(
      caller.experiments.create({ workspaceId, key: 'dup', name: 'x', kind: 'onsite', variants: [{ name: 'A', weight: 1 }, { name: 'A', weight: 1 }], metrics: [{ kind: 'revenue', name: 'r', windowHours: 24 }] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('variants') });
    await expect(caller.experiments.readout({ workspaceId, experimentId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
