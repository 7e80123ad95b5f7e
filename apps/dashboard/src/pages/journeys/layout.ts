// Auto-layout of a journey with dagre: layered top to bottom from the trigger, edge crossings
// minimised, and the outputs of a step kept in the order of its handles (a condition's branches
// left to right, then "otherwise"; yes left, no right) through dagre's order constraints, so a tidy
// never flips a branch because the other side happens to be longer.

import dagre from '@dagrejs/dagre';
import { handlesOf, targetOf, triggerNodeId, type Draft, type Position } from './graph';

export interface Size {
  width: number;
  height: number;
}

/** A node card before the canvas has measured it. */
export const defaultNodeSize: Size = { width: 220, height: 110 };
const gaps = { nodesep: 40, ranksep: 70 };

/** The edges of the draft, each output in its handle order: `[source, target]`. */
function edgesOf(draft: Draft): Array<[string, string]> {
  const ids = new Set(draft.nodes.map((n) => n.id));
  const edges: Array<[string, string]> = [];
  if (draft.start && ids.has(draft.start)) edges.push([triggerNodeId, draft.start]);
  for (const node of draft.nodes) {
    for (const h of handlesOf(node)) {
      const t = targetOf(node, h.field);
      if (t && ids.has(t) && t !== node.id) edges.push([node.id, t]);
    }
  }
  return edges;
}

/** For each step with several outputs, its distinct targets in handle order. */
function orderedChildren(draft: Draft): string[][] {
  const ids = new Set(draft.nodes.map((n) => n.id));
  return draft.nodes.flatMap((node) => {
    const targets = [...new Set(handlesOf(node).map((h) => targetOf(node, h.field)).filter((t): t is string => !!t && ids.has(t) && t !== node.id))];
    return targets.length > 1 ? [targets] : [];
  });
}

/**
 * Top-left positions of the trigger and every step. `sizes` are the measured cards (the default size
 * for any not measured yet). The trigger's card is centred on x = 0 at y = 0.
 */
export function layoutJourney(draft: Draft, sizes: Record<string, Size> = {}): Map<string, Position> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', ...gaps });
  g.setDefaultEdgeLabel(() => ({}));
  const sizeOf = (id: string) => sizes[id] ?? defaultNodeSize;
  for (const id of [triggerNodeId, ...draft.nodes.map((n) => n.id)]) g.setNode(id, { ...sizeOf(id) });
  edgesOf(draft).forEach(([v, w], i) => g.setEdge(v, w, {}, String(i)));
  const constraints = orderedChildren(draft).flatMap((targets) => targets.slice(1).map((right, i) => ({ left: targets[i]!, right })));
  dagre.layout(g, { constraints });

  const trigger = g.node(triggerNodeId);
  const top = trigger.y - sizeOf(triggerNodeId).height / 2;
  const out = new Map<string, Position>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    const { width, height } = sizeOf(id);
    out.set(id, { x: Math.round(n.x - trigger.x - width / 2), y: Math.round(n.y - height / 2 - top) });
  }
  return out;
}
