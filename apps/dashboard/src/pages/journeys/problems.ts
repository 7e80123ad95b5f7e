// The shared schema's verdict on a draft, placed on the canvas nodes it names (the builder's inline validation).

import { validateJourney, type JourneyDefinition, type ValidationIssue } from '@overture/journeys/definition';
import { triggerNodeId, type Draft } from './graph';

export interface Problems {
  /** Every issue of the shared schema, as the API would report it. */
  all: ValidationIssue[];
  /** Messages per canvas node: node issues on their node; trigger, entry, goal and start issues on the trigger. */
  byNode: Map<string, string[]>;
  /** The parsed definition (defaults filled in) when there is no issue. */
  definition: JourneyDefinition | null;
}

const triggerPaths = ['trigger', 'entry', 'goal', 'start', 'caps', 'nodes'];

/** The shared schema's verdict on a draft, placed on the nodes the issues name. */
export function problemsOf(draft: Draft): Problems {
  const r = validateJourney(draft);
  if (r.ok) return { all: [], byNode: new Map(), definition: r.definition };
  const byNode = new Map<string, string[]>();
  const add = (id: string, msg: string) => byNode.set(id, [...(byNode.get(id) ?? []), msg]);
  const all = r.issues.map((i) => {
    if (i.path === 'start' && !draft.start) return { ...i, message: 'start: connect the trigger to the first step' };
    if (i.path === 'nodes' && !draft.nodes.length) return { ...i, message: 'nodes: add at least one step from the palette' };
    // Issues outside nodes carry no field name in their message: say which field.
    return i.nodeId || !i.path || i.message.startsWith(`${i.path}:`) ? i : { ...i, message: `${i.path}: ${i.message}` };
  });
  for (const i of all) {
    if (i.nodeId) add(i.nodeId, i.message.replace(/^node "[^"]*": /, ''));
    else if (triggerPaths.includes(i.path.split('.')[0] ?? '')) add(triggerNodeId, i.message);
  }
  return { all, byNode, definition: null };
}

/** JSON with keys sorted at every level: PostgreSQL's jsonb does not keep key order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** Whether a valid draft differs from the live version (what publishing would change). */
export function differsFromLive(definition: JourneyDefinition | null, live: unknown): boolean {
  if (!definition || !live) return true;
  return JSON.stringify(canonical(definition)) !== JSON.stringify(canonical(live));
}
