import { z } from 'zod';

/** The channels a message node may name; `best` lets the engine choose (issue 5, right channel). */
export const channelNames = ['email', 'web_push', 'onsite'] as const;
export type ChannelName = (typeof channelNames)[number];

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, _ and -');
/** Where to go next; null ends the run. */
const next = id.nullable();

export const propertyFilterSchema = z.object({
  property: z.string().min(1),
  op: z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains']),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;

export const conditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('segment'), segmentId: z.string().min(1), in: z.boolean().default(true) }),
  z.object({ kind: z.literal('trait'), filter: propertyFilterSchema }),
  z.object({ kind: z.literal('feature'), filter: propertyFilterSchema }),
  z.object({ kind: z.literal('event_performed'), event: z.string().min(1), withinDays: z.number().positive().max(3650).default(30), performed: z.boolean().default(true) }),
]);
export type Condition = z.infer<typeof conditionSchema>;

export const triggerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: z.string().min(1), filters: z.array(propertyFilterSchema).default([]) }),
  z.object({ type: z.literal('segment'), segmentId: z.string().min(1), on: z.enum(['entered', 'exited']) }),
  z.object({
    type: z.literal('date_property'),
    /** A trait holding a date (birthday, last_order_at). */
    property: z.string().min(1),
    /** Negative: before the date, positive: after it. */
    offsetDays: z.number().int().min(-366).max(366),
    /** Birthdays come back every year; a last-order date is used as it is. */
    recurring: z.enum(['yearly', 'once']).default('once'),
  }),
  z.object({ type: z.literal('broadcast'), segmentId: z.string().min(1), at: z.iso.datetime({ offset: true }) }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const entrySchema = z.object({
  frequency: z.enum(['once', 'every_time', 'once_per_period']).default('once'),
  periodDays: z.number().positive().optional(),
  /** Every condition must hold when the profile enters. */
  audience: z.array(conditionSchema).default([]),
  /** Most profiles the journey ever admits. */
  cap: z.number().int().positive().optional(),
});

export const goalSchema = z.object({
  event: z.string().min(1),
  filters: z.array(propertyFilterSchema).default([]),
  revenueProperty: z.string().default('revenue'),
  attributionWindowHours: z.number().positive().max(24 * 90).default(72),
});
export type Goal = z.infer<typeof goalSchema>;

export const capSchema = z.object({
  channel: z.enum([...channelNames, 'all']),
  max: z.number().int().min(0),
  periodHours: z.number().positive(),
});
export type FrequencyCap = z.infer<typeof capSchema>;

const base = { id, label: z.string().max(200).optional() };

export const nodeSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('wait'), seconds: z.number().int().positive(), next }),
  z.object({
    ...base,
    type: z.literal('wait_until'),
    hour: z.number().int().min(0).max(23),
    minute: z.number().int().min(0).max(59).default(0),
    /** 0 = Sunday ... 6 = Saturday; empty means any day. */
    weekdays: z.array(z.number().int().min(0).max(6)).default([]),
    next,
  }),
  z.object({
    ...base,
    type: z.literal('wait_for_event'),
    event: z.string().min(1),
    filters: z.array(propertyFilterSchema).default([]),
    timeoutSeconds: z.number().int().positive(),
    onEvent: next,
    onTimeout: next,
  }),
  z.object({
    ...base,
    type: z.literal('condition'),
    branches: z.array(z.object({ name: z.string().min(1), when: z.array(conditionSchema).min(1), next })).min(1),
    otherwise: next,
  }),
  z.object({
    ...base,
    type: z.literal('split'),
    branches: z.array(z.object({ name: z.string().min(1), weight: z.number().positive(), next })).min(1),
    /** Share of profiles (0-50 %) that receive nothing and are measured against the rest. */
    holdoutPercent: z.number().min(0).max(50).default(0),
  }),
  z.object({
    ...base,
    type: z.literal('message'),
    channel: z.enum([...channelNames, 'best']),
    template: z.string().min(1),
    subscriptionGroup: z.string().min(1).optional(),
    /** On a skip (consent, cap, unreachable) try the next allowed channel of the workspace order. */
    fallback: z.boolean().default(false),
    /** Send even in the workspace's quiet hours: for service messages a customer waits for (an order delay, a password reset). */
    ignoreQuietHours: z.boolean().default(false),
    sendAt: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('now') }),
        z.object({ mode: z.literal('best_time'), withinHours: z.number().int().min(1).max(168).default(24) }),
      ])
      .default({ mode: 'now' }),
    next,
  }),
  z.object({ ...base, type: z.literal('update_trait'), trait: z.string().min(1), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), next }),
  z.object({
    ...base,
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    body: z.record(z.string(), z.unknown()).default({}),
    timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
    retries: z.number().int().min(0).max(10).default(3),
    next,
  }),
  z.object({ ...base, type: z.literal('exit') }),
]);
export type JourneyNode = z.infer<typeof nodeSchema>;
export type NodeOf<T extends JourneyNode['type']> = Extract<JourneyNode, { type: T }>;

const definitionObject = z.object({
  trigger: triggerSchema,
  entry: entrySchema.default({ frequency: 'once', audience: [] }),
  goal: goalSchema.optional(),
  /** Journey overrides of the workspace frequency caps, per channel. */
  caps: z.array(capSchema).optional(),
  start: id,
  nodes: z.array(nodeSchema).min(1),
  /** Where the dashboard's builder drew each node (node id, or `$trigger`); the engine ignores it. */
  layout: z.record(z.string(), z.object({ x: z.number(), y: z.number() })).optional(),
});

/** Edges of a node, with the field that holds each (for errors that point at it). */
export function edgesOf(node: JourneyNode): Array<{ field: string; target: string | null }> {
  switch (node.type) {
    case 'exit':
      return [];
    case 'wait_for_event':
      return [
        { field: 'onEvent', target: node.onEvent },
        { field: 'onTimeout', target: node.onTimeout },
      ];
    case 'condition':
      return [...node.branches.map((b, i) => ({ field: `branches.${i}.next`, target: b.next })), { field: 'otherwise', target: node.otherwise }];
    case 'split':
      return node.branches.map((b, i) => ({ field: `branches.${i}.next`, target: b.next }));
    default:
      return [{ field: 'next', target: node.next }];
  }
}

interface LooseNode {
  id?: unknown;
  type?: unknown;
  next?: unknown;
  onEvent?: unknown;
  onTimeout?: unknown;
  otherwise?: unknown;
  branches?: unknown;
}

/** Edges of a node that may not have passed the schema yet (the builder validates half-made journeys). */
function looseEdges(node: LooseNode): Array<{ field: string; target: string | null }> {
  const out: Array<{ field: string; target: string | null }> = [];
  const add = (field: string, v: unknown) => {
    if (typeof v === 'string') out.push({ field, target: v });
  };
  add('next', node.next);
  add('onEvent', node.onEvent);
  add('onTimeout', node.onTimeout);
  if (Array.isArray(node.branches)) node.branches.forEach((b: { next?: unknown }, i) => add(`branches.${i}.next`, b?.next));
  add('otherwise', node.otherwise);
  return out;
}

type IssueSink = (path: Array<string | number>, message: string) => void;

/** Graph rules: unique ids, a start that exists, edges that land on nodes, no loop without a wait. */
function checkGraph(def: { start?: unknown; nodes?: unknown }, report: IssueSink): void {
  const nodes = (Array.isArray(def.nodes) ? def.nodes : []) as LooseNode[];
  const index = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (typeof n?.id !== 'string') return;
    if (index.has(n.id)) report(['nodes', i, 'id'], `node "${n.id}": id is used twice`);
    index.set(n.id, i);
  });
  if (typeof def.start === 'string' && !index.has(def.start)) report(['start'], `start node "${def.start}" does not exist`);
  nodes.forEach((n, i) => {
    if (typeof n?.id !== 'string') return;
    for (const e of looseEdges(n)) {
      if (e.target !== null && !index.has(e.target)) report(['nodes', i, ...e.field.split('.')], `node "${n.id}": ${e.field} points to "${e.target}", which does not exist`);
      if (e.target === n.id) report(['nodes', i, ...e.field.split('.')], `node "${n.id}": ${e.field} points to itself`);
    }
  });
  // A cycle without a wait would spin forever inside one step.
  const waits = new Set(['wait', 'wait_until', 'wait_for_event']);
  const state = new Map<string, 1 | 2>();
  const visit = (nodeId: string): void => {
    const node = nodes[index.get(nodeId)!]!;
    if (waits.has(String(node.type)) || state.get(nodeId) === 2) return;
    if (state.get(nodeId) === 1) {
      report(['nodes', index.get(nodeId)!], `node "${nodeId}": is part of a loop without a wait`);
      return;
    }
    state.set(nodeId, 1);
    for (const e of looseEdges(node)) if (e.target !== null && index.has(e.target) && e.target !== nodeId) visit(e.target);
    state.set(nodeId, 2);
  };
  for (const id of index.keys()) visit(id);
}

/** The one schema of a journey definition, shared by the API, the engine and the dashboard. */
export const journeyDefinitionSchema = definitionObject.superRefine((def, ctx) => {
  checkGraph(def, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
  if (def.entry.frequency === 'once_per_period' && !def.entry.periodDays) {
    ctx.addIssue({ code: 'custom', path: ['entry', 'periodDays'], message: 'entry.periodDays is required when frequency is once_per_period' });
  }
});

export type JourneyDefinition = z.infer<typeof journeyDefinitionSchema>;
export type JourneyDefinitionInput = z.input<typeof journeyDefinitionSchema>;

export interface ValidationIssue {
  path: string;
  /** The node the issue is about, when it is about one. */
  nodeId: string | null;
  message: string;
}

export type ValidationResult = { ok: true; definition: JourneyDefinition } | { ok: false; issues: ValidationIssue[] };

/** Validates a definition; every issue inside a node names that node. */
export function validateJourney(input: unknown): ValidationResult {
  const parsed = journeyDefinitionSchema.safeParse(input);
  if (parsed.success) return { ok: true, definition: parsed.data };
  const nodes = (input as { nodes?: Array<{ id?: unknown }> } | null)?.nodes;
  const raw = [...parsed.error.issues];
  // Shape errors stop zod before the graph rules: run those on the raw input too, so every node's problems show at once.
  if (input && typeof input === 'object') {
    checkGraph(input as { start?: unknown; nodes?: unknown }, (path, message) => {
      if (!raw.some((i) => i.message === message)) raw.push({ code: 'custom', path, message, input: undefined } as (typeof raw)[number]);
    });
  }
  const issues = raw.map((issue) => {
    const path = issue.path.map(String).join('.');
    let nodeId: string | null = null;
    if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
      const raw = Array.isArray(nodes) ? nodes[issue.path[1]]?.id : undefined;
      nodeId = typeof raw === 'string' ? raw : `#${issue.path[1]}`;
    }
    const message = nodeId && !issue.message.startsWith('node "') ? `node "${nodeId}": ${path.split('.').slice(2).join('.') || 'node'}: ${issue.message}` : issue.message;
    return { path, nodeId, message };
  });
  return { ok: false, issues };
}

export function nodeById(def: JourneyDefinition, nodeId: string): JourneyNode | undefined {
  return def.nodes.find((n) => n.id === nodeId);
}
