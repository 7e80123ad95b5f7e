// Message variants through the engine's port, on in-memory fakes: the variant rides on the message,
// and a variant's send-time offset defers the message once.
import { describe, expect, it } from 'vitest';
import { memoryEngine } from './testing';
import type { MessageVariant } from './ports';

const trigger = { type: 'event' as const, event: 'Go' };
const minute = 60_000;

function engineWithVariants(byProfile: Record<string, MessageVariant | null>) {
  const e = memoryEngine();
  const asked: string[] = [];
  e.deps.variants = {
    variant: async (_ws, template, profileId) => {
      asked.push(`${template}:${profileId}`);
      return byProfile[profileId] ?? null;
    },
  };
  return { e, asked };
}

describe('message variants in the engine', () => {
  it('passes the variant to the channel and records it in the audit decision', async () => {
    const { e } = engineWithVariants({ ann: { key: 'b', sendOffsetMinutes: 0 }, bob: null });
    e.profile('ann');
    e.profile('bob');
    const j = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'onsite', template: 'welcome', next: null }] });
    await e.enter(j, ['ann', 'bob']);
    const sent = e.channels.onsite.sent;
    expect(sent.find((m) => m.profile.id === 'ann')?.variant).toBe('b');
    // A template without variants: the message is exactly as before, no variant field at all.
    expect(sent.find((m) => m.profile.id === 'bob')).not.toHaveProperty('variant');
    const decisions = e.recorder.audits.filter((a) => a.action === 'message.sent').map((a) => [a.profileId, a.decision.variant]);
    expect(decisions.sort()).toEqual([
      ['ann', 'b'],
      ['bob', undefined],
    ]);
  });

  it('defers a variant with a send offset by that many minutes, once, then sends it', async () => {
    const { e } = engineWithVariants({ late: { key: 'later', sendOffsetMinutes: 30 }, now: { key: 'control', sendOffsetMinutes: 0 } });
    e.profile('late', { email: 'l@example.com' });
    e.profile('now', { email: 'n@example.com' });
    const j = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'email', template: 'promo', next: null }] });
    await e.enter(j, ['late', 'now']);
    expect(e.sent()).toEqual(['now:email:promo']);
    expect(e.runOf(j, 'late')).toMatchObject({ status: 'waiting', nodeId: 'm', wakeAt: e.clock.now() + 30 * minute });
    expect(e.recorder.steps.filter((s) => s.kind === 'deferred').map((s) => `${s.profileId}:${s.reason}`)).toEqual(['late:variant_offset:later']);
    await e.advance(30 * minute - 1);
    expect(e.sent()).toEqual(['now:email:promo']);
    await e.advance(1);
    expect(e.sent().sort()).toEqual(['late:email:promo', 'now:email:promo']);
    expect(e.channels.email.sent.find((m) => m.profile.id === 'late')?.variant).toBe('later');
    expect(e.recorder.steps.filter((s) => s.kind === 'deferred')).toHaveLength(1);
  });

  it('adds the offset to a best-time deferral rather than replacing it', async () => {
    const { e } = engineWithVariants({ ann: { key: 'later', sendOffsetMinutes: 60 } });
    e.profile('ann', { email: 'a@example.com' });
    const j = e.publish({ trigger, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'email', template: 'promo', sendAt: { mode: 'best_time', withinHours: 24 }, next: null }] });
    // Without history the workspace's best hour (10:00 UTC) decides: the next one is tomorrow at 10:00.
    await e.enter(j, ['ann']);
    const bestAt = Date.parse('2026-01-16T10:00:00Z');
    expect(e.runOf(j, 'ann')).toMatchObject({ status: 'waiting', wakeAt: bestAt + 60 * minute });
    expect(e.recorder.steps.find((s) => s.kind === 'deferred')?.reason).toMatch(/^best_time:/);
  });
});
