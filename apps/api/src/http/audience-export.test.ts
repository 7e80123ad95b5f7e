import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, createWorkspace, startTestServer, type TestServer } from '../testing';
import { daysAgo, ingest } from '../testing/profiles';
import { createSession, sessionCookie } from '../auth';
import { resolveProfileId } from '../profiles';
import { createSegment, recomputeWorkspace, refreshSegment } from '../segments';
import { createExperiment, type Experiment } from '../experiments';

// The audience CSV of an experiment variant, through the real HTTP route with a real session.
describe('GET /export/audience.csv?experiment=…&variant=…', () => {
  let server: TestServer;
  let ws: string;
  let cookie: string;
  let experiment: Experiment;
  const pid = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer();
    ws = server.workspace.id;
    const user = await createTestUser(server.app, [ws]);
    cookie = `${sessionCookie}=${(await createSession(server.app.postgres.db, user.id)).token}`;
    experiment = await createExperiment(server.app.postgres.db, ws, {
      key: 'checkout-copy',
      name: 'Checkout copy',
      kind: 'message',
      variants: [{ name: 'control', weight: 1 }, { name: 'urgent', weight: 1 }],
      metrics: [{ kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 }],
    });
    const exposure = (who: Record<string, string>, variant: string, at: number, experimentKey = experiment.key) => ({
      type: 'track',
      event: '$experiment_exposure',
      ...who,
      properties: { experiment: experimentKey, variant },
      timestamp: daysAgo(at),
    });
    await ingest(server.app, ws, [
      ...['ann', 'bo', 'cy', 'di', 'ed'].map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com`, plan: u === 'ann' || u === 'cy' ? 'pro' : 'free' }, timestamp: daysAgo(5) })),
      exposure({ userId: 'ann' }, 'control', 3),
      exposure({ userId: 'bo' }, 'control', 3),
      exposure({ userId: 'cy' }, 'urgent', 3),
      // Di's phone saw "urgent" before her laptop saw "control": she counts once, in "urgent".
      exposure({ anonymousId: 'di-phone' }, 'urgent', 4),
      exposure({ userId: 'di' }, 'control', 2),
      { type: 'alias', previousId: 'di-phone', userId: 'di', timestamp: daysAgo(1) },
      // Ed was in another experiment only.
      exposure({ userId: 'ed' }, 'urgent', 3, 'other-test'),
    ]);
    await recomputeWorkspace(server.app, ws);
    for (const u of ['ann', 'bo', 'cy', 'di']) pid.set(u, (await resolveProfileId(server.app, ws, { userId: u }))!);
  }, 120_000);
  afterAll(() => server?.close());

  const get = (query: string, headers: Record<string, string> = { cookie }) => fetch(`${server.url}/export/audience.csv?workspaceId=${ws}&${query}`, { headers });
  const idsOf = async (res: Response) => (await res.text()).trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0]).sort();

  it('streams the people of each variant, a person once in the variant they were first exposed to', async () => {
    const control = await get(`experiment=${experiment.id}&variant=control`);
    expect(control.status).toBe(200);
    expect(control.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(control.headers.get('content-disposition')).toBe('attachment; filename="checkout-copy-control.csv"');
    expect(await idsOf(control)).toEqual([pid.get('ann'), pid.get('bo')].sort());
    expect(await idsOf(await get(`experiment=${experiment.id}&variant=urgent`))).toEqual([pid.get('cy'), pid.get('di')].sort());
  });

  it('combines with the other filters: a segment of the variant', async () => {
    const pro = await createSegment(server.app, ws, { name: 'Pro', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } });
    await refreshSegment(server.app, pro);
    expect(await idsOf(await get(`experiment=${experiment.id}&variant=control&segment=${pro.id}`))).toEqual([pid.get('ann')]);
    const urgentPro = await get(`experiment=${experiment.id}&variant=urgent&segment=${pro.id}`);
    expect(urgentPro.headers.get('content-disposition')).toBe('attachment; filename="pro-checkout-copy-urgent.csv"');
    expect(await idsOf(urgentPro)).toEqual([pid.get('cy')]);
  });

  it('refuses what it cannot answer, naming the parameter, and anyone without a session or membership', async () => {
    const unknown = await get('experiment=no-such-id&variant=control');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('experiment: no experiment no-such-id');
    const badVariant = await get(`experiment=${experiment.id}&variant=loud`);
    expect(badVariant.status).toBe(400);
    expect(await badVariant.text()).toContain('variant: one of control, urgent');
    expect((await get(`experiment=${experiment.id}`)).status).toBe(400);
    expect((await get('variant=control')).status).toBe(400);
    expect((await get(`experiment=${experiment.id}&variant=control`, {})).status).toBe(401);

    const stranger = await createTestUser(server.app, [(await createWorkspace(server.app.postgres.db, 'elsewhere')).id]);
    const strangerCookie = `${sessionCookie}=${(await createSession(server.app.postgres.db, stranger.id)).token}`;
    expect((await get(`experiment=${experiment.id}&variant=control`, { cookie: strangerCookie })).status).toBe(403);
  });
});
