import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inGlobalControl } from '@overture/journeys';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '@overture/api/testing';
import { resolveProfileId } from '../profiles';
import { appRouter } from '../trpc/root';
import { testSinkChannels } from '../testing/test-sink-channel';
import { getJourneySettings, saveJourneySettings, useJourneyRuntime, type JourneyRuntime } from '../journeys';
import { ingestEvents, ManualClock, publishedJourney, runsOf, sinkMessages, until } from '../testing/journeys';

describe('the global control group as an experiment (PGlite, Redis, chDB)', () => {
  let app: TestApp;
  let rt: JourneyRuntime;
  const clock = new ManualClock(Date.parse('2026-01-15T12:00:00Z'));

  beforeAll(async () => {
    app = await createTestApp();
    rt = useJourneyRuntime(app, { channels: testSinkChannels(app.postgres.db), clock });
    rt.startWorker({ concurrency: 8 });
  });
  afterAll(async () => {
    await rt?.close();
    await app?.close();
  });

  it('exposes both groups at their first marketing message, reads out the program lift, and ends at 0 % when stopped', async () => {
    const ws = await createWorkspace(app.postgres.db, 'gcg');
    await saveJourneySettings(app.postgres.db, ws.id, { quietHours: null, globalControlPercent: 20 }, app.outbound);
    const promo = { trigger: { type: 'event', event: 'Cart Abandoned' }, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'promo', next: null }] };
    const first = await publishedJourney(app, ws.id, promo);
    const second = await publishedJourney(app, ws.id, { ...promo, nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'again', next: null }] });
    const users = Array.from({ length: 60 }, (_, i) => `shopper${i}`);
    await ingestEvents(app, ws.id, users.map((u) => ({ type: 'track', userId: u, event: 'Cart Abandoned' })));
    for (const j of [first, second]) await until(() => runsOf(app, j.id), (r) => r.length === 60 && r.every((x) => x.status !== 'active'), 45_000, 'runs to settle');
    const pids = new Map(await Promise.all(users.map(async (u) => [u, await resolveProfileId(app, ws.id, { userId: u })] as [string, string])));
    const control = users.filter((u) => inGlobalControl(ws.id, pids.get(u)!, 20));
    const treatment = users.filter((u) => !control.includes(u));
    expect(control.length).toBeGreaterThan(3);
    expect((await sinkMessages(app, ws.id)).length).toBe(2 * treatment.length);

    // Every treated person and one of the control group buy.
    clock.advance(3_600_000);
    await ingestEvents(app, ws.id, [...treatment, control[0]!].map((u) => ({ type: 'track', userId: u, event: 'Order Completed', timestamp: new Date(clock.now()).toISOString(), properties: { revenue: 20 } })));
    await rt.recorder.flush();

    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const holdout = (await caller.experiments.list({ workspaceId: ws.id })).find((e) => e.kind === 'holdout');
    expect(holdout).toMatchObject({ key: `global-control:${ws.id}`, status: 'running', variants: [{ name: 'control', weight: 20 }, { name: 'treatment', weight: 80 }] });
    // Two journeys reached each person; each is exposed once, in the group the hash gives.
    const r = await until(() => caller.experiments.readout({ workspaceId: ws.id, experimentId: holdout!.id }), (x) => x.readout.exposures === 60 && x.readout.metrics[0]!.variants[1]!.value > 0, 45_000, 'the exposures');
    expect(r.readout.variants.map((v) => [v.name, v.n])).toEqual([['control', control.length], ['treatment', treatment.length]]);
    const conversion = r.readout.metrics[0]!;
    expect(conversion.variants.map((v) => v.value)).toEqual([1 / control.length, 1]);
    expect(conversion.comparisons[0]!.expected).toBeCloseTo(control.length - 1);
    expect(r.readout.srm.flagged).toBe(false);

    // Stopping the holdout ends it where it acts: everyone gets marketing again, and the history stays.
    await caller.experiments.stop({ workspaceId: ws.id, experimentId: holdout!.id });
    expect((await getJourneySettings(app.postgres.db, ws.id)).globalControlPercent).toBe(0);
    const after = (await caller.experiments.list({ workspaceId: ws.id })).find((e) => e.kind === 'holdout');
    expect(after).toMatchObject({ status: 'stopped', exposures: 60 });
    await expect(caller.experiments.pickWinner({ workspaceId: ws.id, experimentId: holdout!.id, variant: 'treatment' })).rejects.toThrow(/stop/);
  });
});
