// Message and webhook nodes on in-memory fakes of the engine's ports, on an injected clock.
import { describe, expect, it } from 'vitest';
import { memoryEngine } from './testing';

const hour = 3_600_000;
const trigger = { type: 'event' as const, event: 'Go' };
const send = (channel: 'email' | 'web_push' | 'onsite', extra: Record<string, unknown> = {}) =>
  ({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message' as const, channel, template: 't', next: null, ...extra }] });

describe('journey engine: messages', () => {
  it('falls back along the workspace channel order when the requested channel cannot reach the profile', async () => {
    const e = memoryEngine({ settings: { channelOrder: ['email', 'web_push', 'onsite'] } });
    e.profile('pushable', { push: true });
    e.profile('anon');
    e.profile('blocked', { email: 'b@example.com', push: true });
    e.guardrails.block(e.workspaceId, 'blocked', 'email', 'consent');
    const j = e.publish(send('email', { fallback: true }));
    await e.enter(j, ['pushable', 'anon', 'blocked']);
    expect(e.sent().sort()).toEqual(['anon:onsite:t', 'blocked:web_push:t', 'pushable:web_push:t']);
    const rules = Object.fromEntries(e.recorder.audits.map((a) => [a.profileId, a.rule]));
    expect(rules).toEqual({ pushable: 'fallback:email:unreachable:no_email', anon: 'fallback:email:unreachable:no_email;web_push:unreachable:no_subscription', blocked: 'fallback:email:consent' });
  });

  it('without fallback, skips an unreachable profile with the reason and goes on', async () => {
    const e = memoryEngine();
    e.profile('anon');
    const j = e.publish(send('email'));
    const [run] = await e.enter(j, ['anon']);
    expect(e.sent()).toEqual([]);
    expect(e.run(run!.id)?.status).toBe('completed');
    expect(e.recorder.steps.find((s) => s.kind === 'skipped')).toMatchObject({ nodeId: 'm', reason: 'unreachable:no_email', channel: 'email' });
    expect(e.recorder.audits).toMatchObject([{ action: 'message.skipped', rule: 'unreachable:no_email' }]);
  });

  it('applies frequency caps: the workspace cap, and a journey override of it', async () => {
    const e = memoryEngine({ settings: { caps: [{ channel: 'email', max: 1, periodHours: 24 }] } });
    e.profile('ann', { email: 'ann@example.com' });
    const twice = { trigger, start: 'one', nodes: [
      { id: 'one', type: 'message' as const, channel: 'email' as const, template: 'one', next: 'w' },
      { id: 'w', type: 'wait' as const, seconds: 3600, next: 'two' },
      { id: 'two', type: 'message' as const, channel: 'email' as const, template: 'two', next: null },
    ] };
    await e.enter(e.publish(twice), ['ann']);
    await e.advance(hour);
    expect(e.sent()).toEqual(['ann:email:one']);
    expect(e.recorder.steps.find((s) => s.kind === 'skipped')?.reason).toBe('cap:email:1/24h');

    await e.advance(24 * hour); // the first message is out of the window now
    await e.enter(e.publish({ ...twice, caps: [{ channel: 'email', max: 3, periodHours: 24 }] }), ['ann']);
    await e.advance(hour);
    expect(e.sent()).toEqual(['ann:email:one', 'ann:email:one', 'ann:email:two']);
  });

  it('defers a message out of quiet hours in the profile’s time zone, and enters the node once', async () => {
    const e = memoryEngine({ now: '2026-01-15T13:30:00Z', settings: { quietHours: { start: 21, end: 8 } } });
    e.profile('tokyo', { push: true }, { timezone: 'Asia/Tokyo' }); // 22:30 there
    e.profile('paris', { push: true }, { timezone: 'Europe/Paris' }); // 14:30 there
    const j = e.publish(send('web_push'));
    const [tokyo] = await e.enter(j, ['tokyo', 'paris']);
    expect(e.sent()).toEqual(['paris:web_push:t']);
    const morning = Date.parse('2026-01-15T23:00:00Z'); // 08:00 in Tokyo
    expect(e.run(tokyo!.id)).toMatchObject({ status: 'waiting', nodeId: 'm', wakeAt: morning, context: { deferred: 'm' } });
    expect(e.recorder.steps.find((s) => s.kind === 'deferred')).toMatchObject({ profileId: 'tokyo', reason: 'quiet_hours' });
    await e.advance(morning - e.clock.now() - 1_001);
    expect(e.sent()).toEqual(['paris:web_push:t']);
    await e.advance(1_001);
    expect(e.sent()).toEqual(['paris:web_push:t', 'tokyo:web_push:t']);
    expect(e.recorder.steps.filter((s) => s.profileId === 'tokyo' && s.kind === 'entered')).toHaveLength(1);
    expect(e.recorder.audits.find((a) => a.profileId === 'tokyo')?.decision).toMatchObject({ timing: { mode: 'deferred' }, timeZone: 'Asia/Tokyo' });
  });

  it('sends onsite messages and nodes marked to ignore quiet hours at once, in the middle of the night', async () => {
    const e = memoryEngine({ now: '2026-01-15T13:30:00Z', settings: { quietHours: { start: 21, end: 8 } } });
    e.profile('tokyo', { email: 't@example.com' }, { timezone: 'Asia/Tokyo' }); // 22:30 there
    await e.enter(e.publish(send('onsite')), ['tokyo']);
    await e.enter(e.publish(send('email', { ignoreQuietHours: true })), ['tokyo']);
    await e.enter(e.publish(send('email')), ['tokyo']);
    expect(e.sent()).toEqual(['tokyo:email:t', 'tokyo:onsite:t']);
    expect(e.recorder.steps.filter((s) => s.kind === 'deferred')).toMatchObject([{ reason: 'quiet_hours', channel: 'email' }]);
  });
});

describe('journey engine: webhooks', () => {
  const hook = (retries: number) => ({ trigger, start: 'h', nodes: [
    { id: 'h', type: 'webhook' as const, url: 'https://hooks.example.com/x', retries, next: 'm' },
    { id: 'm', type: 'message' as const, channel: 'onsite' as const, template: 'after', next: null },
  ] });

  it('retries transient failures (5xx, network) with backoff through its step job, then succeeds', async () => {
    const e = memoryEngine({ webhookReplies: [503, 'network_error', 200], retryBackoffMs: 1_000 });
    e.profile('ann');
    const [run] = await e.enter(e.publish(hook(3)), ['ann']);
    expect(e.webhooks.calls).toHaveLength(1);
    expect(await e.scheduler.state(run!.id, 1)).toBe('backoff');
    await e.advance(999);
    expect(e.webhooks.calls).toHaveLength(1);
    await e.advance(1);
    expect(e.webhooks.calls).toHaveLength(2);
    await e.advance(2_000);
    expect(e.webhooks.calls).toHaveLength(3);
    expect(new Set(e.webhooks.calls.map((c) => c.idempotencyKey))).toEqual(new Set([`${run!.id}:h`]));
    expect(e.recorder.audits.find((a) => a.action === 'webhook.called')).toMatchObject({ rule: null, outcome: { status: 'ok', httpStatus: 200, attempts: 3 } });
    expect(e.sent()).toEqual(['ann:onsite:after']);
    expect(e.run(run!.id)?.status).toBe('completed');
  });

  it('records the failure after the last attempt and goes on', async () => {
    const e = memoryEngine({ webhookReplies: [500, 502] });
    e.profile('ann');
    await e.enter(e.publish(hook(1)), ['ann']);
    await e.advance(1_000);
    expect(e.webhooks.calls).toHaveLength(2);
    expect(e.recorder.audits.find((a) => a.action === 'webhook.called')).toMatchObject({ rule: 'webhook_failed', outcome: { status: 'failed', httpStatus: 502, attempts: 2 } });
    expect(e.recorder.steps.find((s) => s.kind === 'skipped')?.reason).toBe('webhook_failed');
    expect(e.sent()).toEqual(['ann:onsite:after']);
  });

  it('does not retry permanent errors: a refused host, or a 4xx answer', async () => {
    for (const reply of ['refused', 404] as const) {
      const e = memoryEngine({ webhookReplies: [reply] });
      e.profile('ann');
      await e.enter(e.publish(hook(3)), ['ann']);
      await e.advance(60_000);
      expect(e.webhooks.calls).toHaveLength(1);
      expect(e.recorder.audits.find((a) => a.action === 'webhook.called')).toMatchObject({ rule: 'webhook_failed', outcome: { status: 'failed', attempts: 1 } });
      expect(e.sent()).toEqual(['ann:onsite:after']);
    }
  });

  it('calls a webhook without retries inline, in the step that reaches it', async () => {
    const e = memoryEngine({ webhookReplies: [503] });
    e.profile('ann');
    const [run] = await e.enter(e.publish(hook(0)), ['ann']);
    expect(e.webhooks.calls).toHaveLength(1);
    expect(e.run(run!.id)).toMatchObject({ status: 'completed', step: 1 });
  });
});
