// The engine on in-memory fakes of its ports: no store, no queue, an injected clock.
import { describe, expect, it } from 'vitest';
import { memoryEngine } from './testing';
import { enterJourney } from './entry';
import { processStep } from './runner';
import { experimentHash, globalControlKey, inGlobalControl } from './hash';
import { eventIsGoal, goalRevenue } from './triggers';

const hour = 3_600_000;
const trigger = { type: 'event' as const, event: 'Go' };

describe('journey engine: flow', () => {
  it('waits out a wait node by the clock, then goes on', async () => {
    const e = memoryEngine();
    e.profile('ann');
    const j = e.publish({ trigger, start: 'w', nodes: [{ id: 'w', type: 'wait', seconds: 3600, next: 'm' }, { id: 'm', type: 'message', channel: 'onsite', template: 'hi', next: null }] });
    const [run] = await e.enter(j, ['ann']);
    expect(e.run(run!.id)).toMatchObject({ status: 'waiting', nodeId: 'm', wakeAt: e.clock.now() + hour, context: { waitingAt: 'w' } });
    await e.advance(hour - 1_001);
    expect(e.sent()).toEqual([]);
    await e.advance(1_001);
    expect(e.sent()).toEqual(['ann:onsite:hi']);
    expect(e.run(run!.id)).toMatchObject({ status: 'completed', nodeId: null });
    expect(e.recorder.steps.map((s) => `${s.nodeId}:${s.kind}`)).toEqual(['w:entered', 'w:completed', 'm:entered', 'm:sent', 'm:completed']);
  });

  it('starts a timer-first journey where the run enters, and queues the first step of any other', async () => {
    const e = memoryEngine();
    e.profile('ann');
    const timerFirst = e.publish({ trigger, start: 'w', nodes: [{ id: 'w', type: 'wait', seconds: 3600, next: 'm' }, { id: 'm', type: 'message', channel: 'onsite', template: 'hi', next: null }] });
    const sendFirst = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'now', next: null }] });
    const ran: number[] = [];
    e.deps.onNodes = (n) => void ran.push(n);
    const [timed] = await enterJourney(e.deps, e.store, e.scheduler, timerFirst, [{ profileId: 'ann' }]);
    const [queued] = await enterJourney(e.deps, e.store, e.scheduler, sendFirst, [{ profileId: 'ann' }]);
    // Nothing has been run from the queue yet: the timer started at entry, the send waits for its job.
    expect(e.run(timed!.id)).toMatchObject({ status: 'waiting', step: 1, wakeAt: e.clock.now() + hour });
    expect([...e.scheduler.jobs.values()].map((j) => `${j.runId === timed!.id ? 'timer' : 'send'}:${j.step}`).sort()).toEqual(['send:0', 'timer:1']);
    expect(e.run(queued!.id)).toMatchObject({ step: 0 });
    expect(ran).toEqual([1]);
    await e.runDue();
    expect(e.sent()).toEqual(['ann:onsite:now']);
    expect(ran).toEqual([1, 1]);
  });

  it('queues the first step when starting it at entry fails, so the queue retries it', async () => {
    const e = memoryEngine();
    e.profile('ann');
    const j = e.publish({ trigger, start: 'w', nodes: [{ id: 'w', type: 'wait', seconds: 60, next: null }] });
    const advance = e.store.advance.bind(e.store);
    let failures = 1;
    e.store.advance = async (...args) => {
      if (failures-- > 0) throw new Error('run store down');
      return advance(...args);
    };
    const [run] = await enterJourney(e.deps, e.store, e.scheduler, j, [{ profileId: 'ann' }]);
    expect(e.run(run!.id)).toMatchObject({ status: 'active', step: 0 });
    expect([...e.scheduler.jobs.values()].map((x) => x.step)).toEqual([0]);
    await e.runDue();
    expect(e.run(run!.id)).toMatchObject({ status: 'waiting', step: 1 });
    await e.advance(60_000);
    expect(e.run(run!.id)).toMatchObject({ status: 'completed' });
  });

  it('counts the events of a step run twice at once (a duplicate job) once: only the step that moved the run records them', async () => {
    const e = memoryEngine();
    e.profile('ann', { tier: 'gold' });
    const j = e.publish({
      trigger,
      start: 'c',
      nodes: [
        { id: 'c', type: 'condition', branches: [{ name: 'gold', when: [{ kind: 'trait', filter: { property: 'tier', op: 'eq', value: 'gold' } }], next: 'w' }], otherwise: null },
        { id: 'w', type: 'wait', seconds: 60, next: null },
      ],
    });
    const [run] = await enterJourney(e.deps, e.store, e.scheduler, j, [{ profileId: 'ann' }]);
    const ran = await Promise.all([processStep(e.deps, e.scheduler, run!.id, 0), processStep(e.deps, e.scheduler, run!.id, 0)]);
    expect(ran).toEqual([2, 2]);
    expect(e.run(run!.id)).toMatchObject({ status: 'waiting', step: 1 });
    expect(e.recorder.steps.map((s) => `${s.nodeId}:${s.kind}`)).toEqual(['c:entered', 'c:completed', 'w:entered', 'w:completed']);
  });

  it('takes the first condition branch that holds: trait, event performed, segment; else otherwise', async () => {
    const e = memoryEngine();
    e.profile('gold', { tier: 'gold' });
    e.profile('buyer');
    e.profile('member');
    e.profile('nobody');
    e.profiles.perform(e.workspaceId, 'buyer', 'Order Completed', e.clock.now() - 2 * 86_400_000);
    e.profiles.perform(e.workspaceId, 'nobody', 'Order Completed', e.clock.now() - 40 * 86_400_000); // outside the 30 days
    e.profiles.joinSegment(e.workspaceId, 'seg-vip', 'member');
    const j = e.publish({
      trigger,
      start: 'which',
      nodes: [
        {
          id: 'which',
          type: 'condition',
          branches: [
            { name: 'gold', when: [{ kind: 'trait', filter: { property: 'tier', op: 'eq', value: 'gold' } }], next: 'tag' },
            { name: 'buyer', when: [{ kind: 'event_performed', event: 'Order Completed', withinDays: 30 }], next: 'buyer-msg' },
            { name: 'member', when: [{ kind: 'segment', segmentId: 'seg-vip' }], next: 'member-msg' },
          ],
          otherwise: 'bye',
        },
        { id: 'tag', type: 'update_trait', trait: 'path', value: 'gold', next: 'gold-msg' },
        { id: 'gold-msg', type: 'message', channel: 'onsite', template: 'gold', next: null },
        { id: 'buyer-msg', type: 'message', channel: 'onsite', template: 'buyer', next: null },
        { id: 'member-msg', type: 'message', channel: 'onsite', template: 'member', next: null },
        { id: 'bye', type: 'exit' },
      ],
    });
    await e.enter(j, ['gold', 'buyer', 'member', 'nobody']);
    expect(e.sent().sort()).toEqual(['buyer:onsite:buyer', 'gold:onsite:gold', 'member:onsite:member']);
    expect((await e.profiles.getProfile(e.workspaceId, 'gold'))?.traits.path).toBe('gold');
    expect(e.runOf(j, 'nobody')).toMatchObject({ status: 'exited' });
    expect(e.recorder.steps.filter((s) => s.kind === 'exited')).toMatchObject([{ profileId: 'nobody', nodeId: 'bye', reason: 'exit_node' }]);
    expect(e.recorder.audits.map((a) => a.action).sort()).toEqual(['message.sent', 'message.sent', 'message.sent', 'trait.updated']);
  });

  it('splits A/B deterministically by profile; the holdout gets nothing and leaves when the goal window ends', async () => {
    const e = memoryEngine();
    const ids = Array.from({ length: 200 }, (_, i) => e.profile(`p${i}`).id);
    const j = e.publish({
      trigger,
      goal: { event: 'Order Completed', attributionWindowHours: 48 },
      start: 'ab',
      nodes: [
        { id: 'ab', type: 'split', holdoutPercent: 10, branches: [{ name: 'a', weight: 1, next: 'ma' }, { name: 'b', weight: 3, next: 'mb' }] },
        { id: 'ma', type: 'message', channel: 'onsite', template: 'a', next: null },
        { id: 'mb', type: 'message', channel: 'onsite', template: 'b', next: null },
      ],
    });
    await e.enter(j, ids);
    const expected = (id: string) => {
      const u = experimentHash(`journey:${j.id}:ab`, id);
      return u < 0.1 ? 'holdout' : (u - 0.1) / 0.9 < 0.25 ? 'a' : 'b';
    };
    const arms = { holdout: 0, a: 0, b: 0 };
    for (const id of ids) {
      const arm = expected(id);
      arms[arm]++;
      const run = e.runOf(j, id)!;
      expect(run.context.split).toBe(`ab:${arm}`);
      expect(run.status).toBe(arm === 'holdout' ? 'holdout' : 'completed');
      if (arm === 'holdout') expect(run.wakeAt).toBe(e.clock.now() + 48 * hour);
    }
    expect(arms.holdout).toBeGreaterThan(5);
    expect(arms.a).toBeGreaterThan(20);
    expect(arms.b).toBeGreaterThan(arms.a);
    expect(e.sent()).toHaveLength(arms.a + arms.b);
    await e.advance(48 * hour);
    for (const id of ids.filter((i) => expected(i) === 'holdout')) expect(e.runOf(j, id)).toMatchObject({ status: 'exited' });
    expect(e.recorder.steps.filter((s) => s.reason === 'holdout_window_end')).toHaveLength(arms.holdout);
    // Every assignment is one exposure naming its variant, the holdout included.
    const exposed = e.recorder.steps.filter((s) => s.kind === 'exposed');
    expect(exposed).toHaveLength(ids.length);
    for (const s of exposed) expect(s.reason).toBe(expected(s.profileId));
    expect(e.sent()).toHaveLength(arms.a + arms.b);
  });

  it('routes everyone to a picked winner, unexposed; an unknown winner leaves the hash in charge', async () => {
    const e = memoryEngine();
    const ids = Array.from({ length: 40 }, (_, i) => e.profile(`w${i}`).id);
    const j = e.publish({
      trigger,
      start: 'ab',
      nodes: [
        { id: 'ab', type: 'split', holdoutPercent: 20, branches: [{ name: 'a', weight: 1, next: 'ma' }, { name: 'b', weight: 1, next: 'mb' }] },
        { id: 'ma', type: 'message', channel: 'onsite', template: 'a', next: null },
        { id: 'mb', type: 'message', channel: 'onsite', template: 'b', next: null },
      ],
    });
    const asked: string[] = [];
    let winner: string | null = 'b';
    e.deps.splits = { winner: async (_ws, key) => (asked.push(key), winner) };
    await e.enter(j, ids.slice(0, 20));
    for (const id of ids.slice(0, 20)) expect(e.runOf(j, id)!.context.split).toBe('ab:b');
    expect(e.recorder.steps.filter((s) => s.kind === 'exposed')).toHaveLength(0);
    expect(asked[0]).toBe(`journey:${j.id}:ab`);
    winner = 'gone';
    await e.enter(j, ids.slice(20));
    expect(e.recorder.steps.filter((s) => s.kind === 'exposed')).toHaveLength(20);
  });

  it('keeps the global control group from marketing messages, the same people in every journey; service messages still go', async () => {
    const e = memoryEngine({ settings: { globalControlPercent: 10 } });
    const people = Array.from({ length: 400 }, (_, i) => `p${i}`);
    for (const p of people) e.profile(p);
    const control = people.filter((p) => inGlobalControl(e.workspaceId, p, 10));
    // Seeded by the workspace, not the journey: about a tenth, from the documented hash.
    expect(control.length).toBeGreaterThan(20);
    expect(control.length).toBeLessThan(60);
    expect(control).toEqual(people.filter((p) => experimentHash(globalControlKey(e.workspaceId), p) < 0.1));
    const promo = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'promo', next: null }] });
    const service = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'delay', ignoreQuietHours: true, next: null }] });
    await e.enter(promo, people);
    await e.enter(service, people);
    const sent = e.sent();
    expect(sent.filter((s) => s.endsWith(':promo')).map((s) => s.split(':')[0]).sort()).toEqual(people.filter((p) => !control.includes(p)).sort());
    expect(sent.filter((s) => s.endsWith(':delay'))).toHaveLength(people.length);
    const skipped = e.recorder.steps.filter((s) => s.kind === 'skipped');
    expect(skipped).toHaveLength(control.length);
    expect(new Set(skipped.map((s) => s.reason))).toEqual(new Set(['global_control']));
    // Exposed once per marketing message reached, in the group the hash gives; the service message exposes no one.
    const exposed = e.recorder.steps.filter((s) => s.kind === 'exposed');
    expect(exposed).toHaveLength(people.length);
    expect(new Set(exposed.map((s) => s.experiment))).toEqual(new Set([globalControlKey(e.workspaceId)]));
    expect(exposed.filter((s) => s.reason === 'control').map((s) => s.profileId).sort()).toEqual([...control].sort());
  });

  it('waits for an event until its timeout, then takes the timeout branch', async () => {
    const e = memoryEngine();
    e.profile('slow');
    const j = e.publish({
      trigger,
      start: 'shipped',
      nodes: [
        { id: 'shipped', type: 'wait_for_event', event: 'Order Shipped', timeoutSeconds: 86_400, onEvent: 'thanks', onTimeout: 'sorry' },
        { id: 'thanks', type: 'message', channel: 'onsite', template: 'shipped', next: null },
        { id: 'sorry', type: 'message', channel: 'onsite', template: 'delayed', next: null },
      ],
    });
    const [run] = await e.enter(j, ['slow']);
    expect(e.run(run!.id)).toMatchObject({ status: 'waiting_event', nodeId: 'shipped', context: { waitingFor: 'Order Shipped' } });
    await e.advance(23 * hour);
    expect(e.sent()).toEqual([]);
    await e.advance(hour);
    expect(e.sent()).toEqual(['slow:onsite:delayed']);
    expect(e.recorder.steps.find((s) => s.nodeId === 'shipped' && s.kind === 'completed')?.reason).toBe('timeout');
    expect(e.run(run!.id)?.context.waitingFor).toBeUndefined();
  });

  it('tells goal events and their revenue; a journey archived meanwhile ends its runs at their next step', async () => {
    const e = memoryEngine();
    e.profile('ann');
    const j = e.publish({
      trigger,
      goal: { event: 'Order Completed', filters: [{ property: 'total', op: 'gte', value: 10 }], revenueProperty: 'total' },
      start: 'w',
      nodes: [{ id: 'w', type: 'wait', seconds: 60, next: 'm' }, { id: 'm', type: 'message', channel: 'onsite', template: 't', next: null }],
    });
    expect(eventIsGoal(j.definition, { event: 'Order Completed', properties: { total: 42 } })).toBe(true);
    expect(eventIsGoal(j.definition, { event: 'Order Completed', properties: { total: 5 } })).toBe(false);
    expect(goalRevenue(j.definition, { total: '42.5' })).toBe(42.5);
    expect(goalRevenue(j.definition, { total: 'n/a' })).toBe(0);
    const [run] = await e.enter(j, ['ann']);
    e.store.setStatus(j.id, 'archived');
    await e.advance(60_000);
    expect(e.run(run!.id)).toMatchObject({ status: 'exited' });
    expect(e.sent()).toEqual([]);
  });

  it('reconciles: a lost step is scheduled again, a delayed one due by the engine clock is promoted', async () => {
    const e = memoryEngine();
    e.profile('lost');
    e.profile('late');
    const j = e.publish({ trigger, start: 'w', nodes: [{ id: 'w', type: 'wait', seconds: 60, next: 'm' }, { id: 'm', type: 'message', channel: 'onsite', template: 't', next: null }] });
    const [lost, late] = await e.enter(j, ['lost', 'late']);
    await e.scheduler.cancel(lost!.id, 1);
    e.clock.advance(61_000);
    const job = e.scheduler.jobs.get(`${late!.id}.1`)!;
    job.dueAt += hour; // the queue's own clock runs behind the engine's
    expect(await e.scheduler.state(late!.id, 1)).toBe('delayed');
    expect(await e.reconcile()).toEqual({ checked: 2, rescheduled: 1, promoted: 1, retried: 0 });
    await e.runDue();
    expect(e.sent().sort()).toEqual(['late:onsite:t', 'lost:onsite:t']);
    expect(await e.reconcile()).toMatchObject({ checked: 0 });
  });
});
