import { describe, expect, it } from 'vitest';
import { validateJourney } from '@overture/journeys/definition';
import { addStep, insertOnEdge, connect, freeHandle, layerGap, disconnect, edgeId, fromGraph, moveNode, normalizeDraft, removeNodes, toGraph, triggerNodeId, type Draft } from './graph';
import { newNode, triggerSummary } from './nodeTypes';
import { problemsOf } from './problems';

// Every node type and every kind of pointer (next, onEvent/onTimeout, condition branches + otherwise, split branches).
const full: Draft = {
  trigger: { type: 'event', event: 'Checkout Started', filters: [{ property: 'cart_value', op: 'gte', value: 50 }] },
  entry: { frequency: 'once_per_period', periodDays: 7, audience: [] },
  goal: { event: 'Order Completed', filters: [], revenueProperty: 'revenue', attributionWindowHours: 72 },
  start: 'wait',
  nodes: [
    { id: 'wait', type: 'wait', seconds: 3600, next: 'morning' },
    { id: 'morning', type: 'wait_until', hour: 9, minute: 30, weekdays: [1, 2], next: 'ordered' },
    { id: 'ordered', type: 'wait_for_event', event: 'Order Completed', filters: [], timeoutSeconds: 86400, onEvent: 'done', onTimeout: 'vip' },
    {
      id: 'vip',
      type: 'condition',
      branches: [
        { name: 'VIP', when: [{ kind: 'trait', filter: { property: 'tier', op: 'eq', value: 'gold' } }], next: 'ab' },
        { name: 'Recent', when: [{ kind: 'event_performed', event: 'Product Viewed', withinDays: 7, performed: true }], next: 'tag' },
      ],
      otherwise: 'hook',
    },
    {
      id: 'ab',
      type: 'split',
      branches: [
        { name: 'A', weight: 60, next: 'mail' },
        { name: 'B', weight: 40, next: null },
      ],
      holdoutPercent: 10,
    },
    { id: 'mail', type: 'message', channel: 'best', template: 'cart', fallback: true, sendAt: { mode: 'best_time', withinHours: 12 }, next: 'done' },
    { id: 'tag', type: 'update_trait', trait: 'nudged', value: true, next: 'done' },
    { id: 'hook', type: 'webhook', url: 'https://hooks.example.com/x', body: { a: 1 }, timeoutMs: 5000, retries: 3, next: null },
    { id: 'done', type: 'exit' },
  ],
  layout: { wait: { x: 10, y: 20 } },
};

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('definition ⇄ graph', () => {
  it('is a valid definition to start with (the fixture means what it says)', () => {
    expect(validateJourney(full).ok).toBe(true);
  });

  it('round-trips a definition with every node type exactly', () => {
    const before = clone(full);
    const g = toGraph(full);
    expect(fromGraph(g)).toEqual(full);
    expect(full).toEqual(before); // no mutation
    // And the parsed (defaults filled in) form too.
    const parsed = validateJourney(full);
    if (!parsed.ok) throw new Error('invalid');
    expect(fromGraph(toGraph(parsed.definition as unknown as Draft))).toEqual(parsed.definition);
  });

  it('draws one edge per set pointer, on the handle named after the field', () => {
    const g = toGraph(full);
    expect(g.nodes.map((n) => n.id)).toEqual([triggerNodeId, ...full.nodes.map((n) => n.id)]);
    const edges = g.edges.map((e) => `${e.source}.${e.sourceHandle}->${e.target}`).sort();
    expect(edges).toEqual(
      [
        '$trigger.start->wait',
        'wait.next->morning',
        'morning.next->ordered',
        'ordered.onEvent->done',
        'ordered.onTimeout->vip',
        'vip.branches.0.next->ab',
        'vip.branches.1.next->tag',
        'vip.otherwise->hook',
        'ab.branches.0.next->mail',
        'mail.next->done',
        'tag.next->done',
      ].sort(),
    );
    expect(g.edges.find((e) => e.id === edgeId('vip', 'branches.1.next'))?.label).toBe('Recent');
  });

  it('connecting a handle sets that pointer and replaces the old target', () => {
    let d = connect(full, { source: 'ab', sourceHandle: 'branches.1.next', target: 'tag' });
    expect(d.nodes.find((n) => n.id === 'ab')!.branches).toEqual([
      { name: 'A', weight: 60, next: 'mail' },
      { name: 'B', weight: 40, next: 'tag' },
    ]);
    d = connect(d, { source: 'ordered', sourceHandle: 'onTimeout', target: 'done' });
    expect(d.nodes.find((n) => n.id === 'ordered')).toMatchObject({ onEvent: 'done', onTimeout: 'done' });
    d = connect(d, { source: triggerNodeId, sourceHandle: 'start', target: 'mail' });
    expect(d.start).toBe('mail');
    // Everything else is untouched.
    expect(d.nodes.filter((n) => !['ab', 'ordered'].includes(n.id))).toEqual(full.nodes.filter((n) => !['ab', 'ordered'].includes(n.id)));
  });

  it('refuses connections into the trigger, to itself, or from a handle the node does not have', () => {
    expect(connect(full, { source: 'wait', sourceHandle: 'next', target: triggerNodeId })).toBe(full);
    expect(connect(full, { source: 'wait', sourceHandle: 'next', target: 'wait' })).toBe(full);
    expect(connect(full, { source: 'done', sourceHandle: 'next', target: 'wait' })).toBe(full);
    expect(connect(full, { source: 'wait', sourceHandle: 'next', target: 'ghost' })).toBe(full);
  });

  it('deleting an edge sets its pointer to null; deleting a node clears every pointer to it', () => {
    const d = disconnect(full, [edgeId('vip', 'otherwise'), edgeId(triggerNodeId, 'start')]);
    expect(d.nodes.find((n) => n.id === 'vip')!.otherwise).toBeNull();
    expect('start' in d).toBe(false);
    const r = removeNodes(full, ['done', 'wait', triggerNodeId]);
    expect(r.nodes.map((n) => n.id)).toEqual(['morning', 'ordered', 'vip', 'ab', 'mail', 'tag', 'hook']);
    expect(r.nodes.find((n) => n.id === 'ordered')).toMatchObject({ onEvent: null, onTimeout: 'vip' });
    expect(r.nodes.find((n) => n.id === 'mail')!.next).toBeNull();
    expect(r.start).toBeUndefined();
    expect(r.layout).toEqual({});
    // The schema sees the result for what it is: no start.
    expect(problemsOf(r).byNode.get(triggerNodeId)).toEqual(['start: connect the trigger to the first step']);
  });

  it('keeps positions the user placed and takes the others from the auto layout it is given', () => {
    const auto = new Map([['hook', { x: 7, y: 9 }]]);
    const g = toGraph(moveNode(full, 'mail', { x: 500.4, y: 42 }), auto);
    expect(g.nodes.find((n) => n.id === 'mail')!.position).toEqual({ x: 500, y: 42 });
    expect(g.nodes.find((n) => n.id === 'wait')!.position).toEqual({ x: 10, y: 20 });
    expect(g.nodes.find((n) => n.id === 'hook')!.position).toEqual({ x: 7, y: 9 });
  });

  it('builds a journey from nothing the way the builder does, with the schema naming unconfigured nodes', () => {
    let d = normalizeDraft({ trigger: { type: 'event', event: 'Signed Up', filters: [] } });
    expect(problemsOf(d).byNode.get(triggerNodeId)).toEqual(['start: connect the trigger to the first step', 'nodes: add at least one step from the palette']);
    const msg = newNode(d, 'message');
    d = { ...d, nodes: [...d.nodes, msg] };
    d = connect(d, { source: triggerNodeId, sourceHandle: 'start', target: msg.id });
    const p = problemsOf(d);
    expect([...p.byNode.keys()]).toEqual(['message_1']);
    expect(p.byNode.get('message_1')![0]).toMatch(/^template: /);
    d = { ...d, nodes: d.nodes.map((n) => (n.id === msg.id ? { ...n, template: 'welcome' } : n)) };
    expect(problemsOf(d).all).toEqual([]);
    expect(newNode(d, 'message').id).toBe('message_2');
  });

  it('summarises triggers for the list', () => {
    expect(triggerSummary(full.trigger)).toBe('Event Checkout Started (+1 filter)');
    expect(triggerSummary({ type: 'date_property', property: 'birthday', offsetDays: -3, recurring: 'yearly' })).toBe('3 days before birthday, yearly');
    expect(triggerSummary({ type: 'segment', segmentId: 'seg_1', on: 'exited' })).toBe('Exits segment seg_1');
    expect(triggerSummary(null)).toBe('No trigger');
  });
});

describe('adding a step from the palette', () => {
  it('wires a clicked step to the selected node’s first free output, a layer below it', () => {
    let d: Draft = { trigger: { type: 'event', event: 'Signed Up' }, nodes: [] };
    const first = newNode(d, 'message');
    d = addStep(d, first, { after: triggerNodeId });
    expect(d.start).toBe(first.id);
    expect(freeHandle(d, triggerNodeId)).toBeNull();
    d = moveNode(d, first.id, { x: 100, y: 50 });
    const wait = newNode(d, 'wait');
    d = addStep(d, wait, { after: first.id });
    expect(d.nodes.find((n) => n.id === first.id)?.next).toBe(wait.id);
    expect(d.layout?.[wait.id]).toEqual({ x: 100, y: 50 + layerGap.y });
    // Every output taken: the new step is added unconnected.
    const other = newNode(d, 'exit');
    const e = addStep(d, other, { after: first.id });
    expect(e.nodes.find((n) => n.id === first.id)?.next).toBe(wait.id);
    expect(toGraph(e).edges.some((x) => x.target === other.id)).toBe(false);
  });

  it('keeps a dropped step where it was dropped, unconnected', () => {
    const d: Draft = { trigger: { type: 'event', event: 'Signed Up' }, nodes: [] };
    const node = newNode(d, 'message');
    const next = addStep(d, node, { after: triggerNodeId, at: { x: 321.4, y: 99.6 } });
    expect(next.layout?.[node.id]).toEqual({ x: 321, y: 100 });
    expect(next.start).toBeUndefined();
  });
});

describe('inserting a step on an edge', () => {
  it('puts the step between the two ends, keeping the rest wired', () => {
    let d: Draft = { trigger: { type: 'event', event: 'Signed Up' }, nodes: [] };
    const message = newNode(d, 'message');
    d = addStep(d, message, { after: triggerNodeId });
    const wait = newNode(d, 'wait');
    d = insertOnEdge(d, { source: triggerNodeId, sourceHandle: 'start', target: message.id }, wait);
    expect(d.start).toBe(wait.id);
    expect(d.nodes.find((n) => n.id === wait.id)?.next).toBe(message.id);
    // An exit has no output: it takes the edge and the old target is left unreached.
    const exit = newNode(d, 'exit');
    const e = insertOnEdge(d, { source: wait.id, sourceHandle: 'next', target: message.id }, exit);
    expect(e.nodes.find((n) => n.id === wait.id)?.next).toBe(exit.id);
  });
});
