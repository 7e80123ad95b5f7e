// The journey definition ⇄ xyflow graph conversion, and the builder's edits expressed on it.
// Pure functions: the definition JSON is the source of truth; the canvas is drawn from it, and
// every canvas edit (connect, delete) goes graph → definition, so the round trip must be exact.

import type { JourneyNode } from '@overture/journeys/definition';

export type NodeType = JourneyNode['type'];

/** A node of a draft: it may be half-configured, so only `id` and `type` are sure. */
export interface DraftNode {
  id: string;
  type: NodeType;
  [field: string]: unknown;
}

export interface Position {
  x: number;
  y: number;
}

/** A definition as the builder holds it: possibly incomplete until it passes the shared schema. */
export interface Draft {
  trigger?: unknown;
  entry?: unknown;
  goal?: unknown;
  caps?: unknown;
  start?: string;
  nodes: DraftNode[];
  layout?: Record<string, Position>;
  [key: string]: unknown;
}

/** The trigger is drawn as a node of its own; its one handle sets `start`. */
export const triggerNodeId = '$trigger';
export const startHandle = 'start';

export type TriggerData = { kind: 'trigger'; meta: Omit<Draft, 'nodes' | 'start'> };
export type StepData = { kind: 'step'; node: DraftNode };

export interface GraphNode {
  id: string;
  type: 'trigger' | 'step';
  position: Position;
  data: TriggerData | StepData;
}

export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  label?: string;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Handle {
  /** The field of the node that holds the pointer: `next`, `onEvent`, `branches.2.next`, ... */
  field: string;
  label: string;
}

const branchesOf = (node: DraftNode): Array<Record<string, unknown>> => (Array.isArray(node.branches) ? (node.branches as Array<Record<string, unknown>>) : []);

/** The outgoing handles of a node, one per pointer field of its type. */
export function handlesOf(node: DraftNode): Handle[] {
  switch (node.type) {
    case 'exit':
      return [];
    case 'wait_for_event':
      return [
        { field: 'onEvent', label: 'event' },
        { field: 'onTimeout', label: 'timeout' },
      ];
    case 'condition':
      return [...branchesOf(node).map((b, i) => ({ field: `branches.${i}.next`, label: String(b.name || `branch ${i + 1}`) })), { field: 'otherwise', label: 'otherwise' }];
    case 'split':
      return branchesOf(node).map((b, i) => ({ field: `branches.${i}.next`, label: `${String(b.name || `branch ${i + 1}`)} ${typeof b.weight === 'number' ? `(${b.weight})` : ''}`.trim() }));
    default:
      return [{ field: 'next', label: 'next' }];
  }
}

const branchField = /^branches\.(\d+)\.next$/;

export function targetOf(node: DraftNode, field: string): string | null {
  const m = branchField.exec(field);
  const v = m ? branchesOf(node)[Number(m[1])]?.next : node[field];
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A copy of the node with one pointer set (null ends the run there). */
export function withTarget(node: DraftNode, field: string, target: string | null): DraftNode {
  const m = branchField.exec(field);
  if (!m) return { ...node, [field]: target };
  const i = Number(m[1]);
  return { ...node, branches: branchesOf(node).map((b, j) => (j === i ? { ...b, next: target } : b)) };
}

export const edgeId = (source: string, handle: string) => `${source}->${handle}`;

/** Room for a node card with its live counts. */
export const layerGap = { x: 260, y: 220 };

/**
 * Definition → graph. Positions come from the draft's `layout` where the user placed a node (or a tidy
 * did), else from `auto` (the builder passes `layoutJourney`'s; edits that only need the edges pass none).
 */
export function toGraph(draft: Draft, auto: ReadonlyMap<string, Position> = new Map()): Graph {
  const place = (id: string): Position => draft.layout?.[id] ?? auto.get(id) ?? { x: 0, y: 0 };
  const { nodes, start, ...meta } = draft;
  const graphNodes: GraphNode[] = [
    { id: triggerNodeId, type: 'trigger', position: place(triggerNodeId), data: { kind: 'trigger', meta } },
    ...nodes.map((node): GraphNode => ({ id: node.id, type: 'step', position: place(node.id), data: { kind: 'step', node } })),
  ];
  const edges: GraphEdge[] = [];
  if (typeof start === 'string' && start !== '') edges.push({ id: edgeId(triggerNodeId, startHandle), source: triggerNodeId, sourceHandle: startHandle, target: start });
  for (const node of nodes) {
    const handles = handlesOf(node);
    for (const h of handles) {
      const target = targetOf(node, h.field);
      if (target) edges.push({ id: edgeId(node.id, h.field), source: node.id, sourceHandle: h.field, target, ...(handles.length > 1 ? { label: h.label } : {}) });
    }
  }
  return { nodes: graphNodes, edges };
}

/** Graph → definition: node order and fields are kept; every pointer is set from the edges (none → null). */
export function fromGraph(graph: Graph): Draft {
  const trigger = graph.nodes.find((n) => n.data.kind === 'trigger');
  const meta = trigger?.data.kind === 'trigger' ? trigger.data.meta : {};
  const out = new Map<string, Map<string, string>>();
  for (const e of graph.edges) {
    let m = out.get(e.source);
    if (!m) out.set(e.source, (m = new Map()));
    m.set(e.sourceHandle, e.target);
  }
  const nodes = graph.nodes.flatMap((g) => {
    if (g.data.kind !== 'step') return [];
    let node = g.data.node;
    for (const h of handlesOf(node)) node = withTarget(node, h.field, out.get(g.id)?.get(h.field) ?? null);
    return [node];
  });
  const start = out.get(triggerNodeId)?.get(startHandle);
  return { ...meta, ...(start ? { start } : {}), nodes };
}

export interface Connection {
  source: string;
  sourceHandle: string | null;
  target: string;
}

/** Whether the canvas may draw this connection: nothing enters the trigger, and no node points to itself. */
export function canConnect(draft: Draft, c: Connection): boolean {
  if (c.target === triggerNodeId || c.source === c.target) return false;
  if (!draft.nodes.some((n) => n.id === c.target)) return false;
  if (c.source === triggerNodeId) return c.sourceHandle === startHandle || c.sourceHandle === null;
  const node = draft.nodes.find((n) => n.id === c.source);
  return !!node && handlesOf(node).some((h) => h.field === c.sourceHandle);
}

/** Connecting a handle sets its pointer; a handle has one target, so an older edge from it goes. */
export function connect(draft: Draft, c: Connection): Draft {
  if (!canConnect(draft, c)) return draft;
  const handle = c.source === triggerNodeId ? startHandle : c.sourceHandle!;
  const g = toGraph(draft);
  const edges = g.edges.filter((e) => !(e.source === c.source && e.sourceHandle === handle));
  edges.push({ id: edgeId(c.source, handle), source: c.source, sourceHandle: handle, target: c.target });
  return fromGraph({ nodes: g.nodes, edges });
}

/** Deleting edges clears their pointers. */
export function disconnect(draft: Draft, edgeIds: string[]): Draft {
  const g = toGraph(draft);
  const gone = new Set(edgeIds);
  return fromGraph({ nodes: g.nodes, edges: g.edges.filter((e) => !gone.has(e.id)) });
}

/** Deleting nodes clears every pointer to them (and `start`); the trigger cannot be deleted. */
export function removeNodes(draft: Draft, ids: string[]): Draft {
  const gone = new Set(ids.filter((id) => id !== triggerNodeId));
  if (!gone.size) return draft;
  const g = toGraph(draft);
  const next = fromGraph({ nodes: g.nodes.filter((n) => !gone.has(n.id)), edges: g.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target)) });
  if (next.layout) next.layout = Object.fromEntries(Object.entries(next.layout).filter(([id]) => !gone.has(id)));
  return next;
}

/** A user-placed position, kept in the draft's `layout`. */
export function moveNode(draft: Draft, id: string, position: Position): Draft {
  return { ...draft, layout: { ...draft.layout, [id]: { x: Math.round(position.x), y: Math.round(position.y) } } };
}

export function updateNode(draft: Draft, node: DraftNode): Draft {
  return { ...draft, nodes: draft.nodes.map((n) => (n.id === node.id ? node : n)) };
}

/** A fresh id for a new node of a type: `message_1`, `message_2`, ... */
export function newNodeId(draft: Draft, type: NodeType): string {
  const used = new Set(draft.nodes.map((n) => n.id));
  let i = 1;
  while (used.has(`${type}_${i}`)) i++;
  return `${type}_${i}`;
}

/** Whatever came from the server as a draft, in the builder's shape (a new journey's draft may be `{}`). */
export function normalizeDraft(raw: unknown): Draft {
  const obj = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const nodes = Array.isArray(obj.nodes) ? (obj.nodes as unknown[]).filter((n): n is DraftNode => !!n && typeof n === 'object' && typeof (n as DraftNode).id === 'string') : [];
  return { ...obj, nodes } as Draft;
}

/** The first output of a node that points nowhere yet (the trigger's when no step starts the journey). */
export function freeHandle(draft: Draft, id: string): string | null {
  if (id === triggerNodeId) return draft.start ? null : startHandle;
  const node = draft.nodes.find((n) => n.id === id);
  if (!node) return null;
  return handlesOf(node).find((h) => !targetOf(node, h.field))?.field ?? null;
}

/**
 * A new step from the palette. Dropped on the canvas it stays where it was dropped; clicked, it follows
 * `after` (the selected node): wired to its first free output and placed a layer below it.
 */
export function addStep(draft: Draft, node: DraftNode, options: { after?: string | null; at?: Position }): Draft {
  let next: Draft = { ...draft, nodes: [...draft.nodes, node] };
  if (options.at) return moveNode(next, node.id, options.at);
  const after = options.after ?? null;
  const field = after ? freeHandle(draft, after) : null;
  if (!after || !field) return next;
  next = connect(next, { source: after, sourceHandle: field, target: node.id });
  const from = draft.layout?.[after];
  return from ? moveNode(next, node.id, { x: from.x, y: from.y + layerGap.y }) : next;
}

/**
 * A new step on an edge: the edge's source now points to it, and its first output points where the
 * edge went. The step after keeps its place; a user-placed layout moves nothing.
 */
export function insertOnEdge(draft: Draft, edge: { source: string; sourceHandle: string; target: string }, node: DraftNode): Draft {
  const [first] = handlesOf(node);
  const placed: DraftNode = first ? withTarget(node, first.field, edge.target) : node;
  let next: Draft = { ...draft, nodes: [...draft.nodes, placed] };
  next = connect(next, { source: edge.source, sourceHandle: edge.sourceHandle, target: node.id });
  const from = draft.layout?.[edge.source];
  const to = draft.layout?.[edge.target];
  if (from && to) next = moveNode(next, node.id, { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 });
  return next;
}
