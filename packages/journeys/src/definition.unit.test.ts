import { describe, expect, it } from 'vitest';
import { validateJourney } from './definition';

const valid = {
  trigger: { type: 'event', event: 'Checkout Started' },
  start: 'wait',
  nodes: [
    { id: 'wait', type: 'wait', seconds: 3600, next: 'ask' },
    { id: 'ask', type: 'wait_for_event', event: 'Order Completed', timeoutSeconds: 86400, onEvent: null, onTimeout: 'nudge' },
    { id: 'nudge', type: 'message', channel: 'best', template: 'cart', next: null },
  ],
};

describe('journey definition', () => {
  it('accepts a valid definition and fills defaults', () => {
    const r = validateJourney(valid);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.definition.entry).toEqual({ frequency: 'once', audience: [] });
      expect(r.definition.nodes[2]).toMatchObject({ fallback: false, sendAt: { mode: 'now' } });
    }
  });

  it('names the node in every issue, shape and graph alike', () => {
    const r = validateJourney({
      ...valid,
      start: 'nowhere',
      nodes: [
        { id: 'wait', type: 'wait', seconds: -1, next: 'ghost' },
        { id: 'wait', type: 'exit' },
        { id: 'msg', type: 'message', channel: 'sms', template: 't', next: null },
      ],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const messages = r.issues.map((i) => i.message);
    expect(messages).toContain('start node "nowhere" does not exist');
    expect(messages).toContain('node "wait": next points to "ghost", which does not exist');
    expect(messages).toContain('node "wait": id is used twice');
    expect(messages.some((m) => m.startsWith('node "wait": seconds:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('node "msg": channel:'))).toBe(true);
    expect(r.issues.find((i) => i.path === 'nodes.2.channel')?.nodeId).toBe('msg');
  });

  it('refuses a loop that never waits, and allows one through a wait', () => {
    const loop = { trigger: valid.trigger, start: 'a', nodes: [{ id: 'a', type: 'update_trait', trait: 't', value: 1, next: 'b' }, { id: 'b', type: 'condition', branches: [{ name: 'x', when: [{ kind: 'trait', filter: { property: 'p', op: 'exists' } }], next: 'a' }], otherwise: null }] };
    const r = validateJourney(loop);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.message).join()).toContain('loop without a wait');
    const waited = { ...loop, nodes: [{ id: 'a', type: 'wait', seconds: 60, next: 'b' }, loop.nodes[1]] };
    expect(validateJourney(waited).ok).toBe(true);
  });

  it('requires periodDays for once-per-period entry and a valid trigger', () => {
    const r = validateJourney({ ...valid, entry: { frequency: 'once_per_period' }, trigger: { type: 'date_property', property: 'birthday', offsetDays: 500 } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(['entry.periodDays', 'trigger.offsetDays']);
  });
});
