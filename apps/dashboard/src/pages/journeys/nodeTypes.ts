// What each node type is called, what a new one starts with, and one-line summaries for the canvas and the list.

import { newNodeId, type Draft, type DraftNode, type NodeType } from './graph';

export const nodeTypeInfo: Array<{ type: NodeType; label: string; hint: string }> = [
  { type: 'wait', label: 'Wait', hint: 'Pause for a duration' },
  { type: 'wait_until', label: 'Wait until', hint: 'Until a time of day / weekday in the profile’s time zone' },
  { type: 'wait_for_event', label: 'Wait for event', hint: 'Until an event happens, or a timeout' },
  { type: 'condition', label: 'Condition', hint: 'Branch on segment, trait, feature or event' },
  { type: 'split', label: 'A/B split', hint: 'Random split with weights and a holdout' },
  { type: 'message', label: 'Message', hint: 'Email, web push, onsite or the best channel' },
  { type: 'update_trait', label: 'Update trait', hint: 'Set a profile trait' },
  { type: 'webhook', label: 'Webhook', hint: 'Signed POST to an allow-listed host' },
  { type: 'exit', label: 'Exit', hint: 'End the journey here' },
];

export const labelOfType = (type: string) => nodeTypeInfo.find((t) => t.type === type)?.label ?? type;

/**
 * A new node of a type. Fields a marketer must choose (template, event, trait, URL) start empty, so the
 * shared schema flags them on the node until they are set.
 */
export function newNode(draft: Draft, type: NodeType): DraftNode {
  const id = newNodeId(draft, type);
  switch (type) {
    case 'wait':
      return { id, type, seconds: 3600, next: null };
    case 'wait_until':
      return { id, type, hour: 10, minute: 0, weekdays: [], next: null };
    case 'wait_for_event':
      return { id, type, event: '', filters: [], timeoutSeconds: 86_400, onEvent: null, onTimeout: null };
    case 'condition':
      return { id, type, branches: [{ name: 'Branch 1', when: [{ kind: 'trait', filter: { property: '', op: 'eq', value: '' } }], next: null }], otherwise: null };
    case 'split':
      return {
        id,
        type,
        branches: [
          { name: 'A', weight: 50, next: null },
          { name: 'B', weight: 50, next: null },
        ],
        holdoutPercent: 0,
      };
    case 'message':
      return { id, type, channel: 'email', template: '', fallback: false, sendAt: { mode: 'now' }, next: null };
    case 'update_trait':
      return { id, type, trait: '', value: '', next: null };
    case 'webhook':
      return { id, type, url: '', body: {}, timeoutMs: 5000, retries: 3, next: null };
    case 'exit':
      return { id, type };
  }
}

/** A new journey's draft: an event trigger and nothing else yet. */
export function emptyDraft(triggerEvent: string): Draft {
  return { trigger: { type: 'event', event: triggerEvent, filters: [] }, entry: { frequency: 'once', audience: [] }, nodes: [] };
}

export function formatDuration(seconds: unknown): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '?';
  const units: Array<[number, string]> = [
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'min'],
  ];
  for (const [n, u] of units) if (seconds >= n && seconds % n === 0) return `${seconds / n} ${u}`;
  return `${seconds} s`;
}

const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: unknown) => String(typeof n === 'number' ? n : 0).padStart(2, '0');

/** One line saying what a node does, for its card on the canvas. */
export function nodeSummary(node: DraftNode, names: Names = {}): string {
  switch (node.type) {
    case 'wait':
      return `Wait ${formatDuration(node.seconds)}`;
    case 'wait_until': {
      const days = Array.isArray(node.weekdays) && node.weekdays.length ? ` on ${(node.weekdays as number[]).map((d) => weekdayNames[d] ?? d).join(', ')}` : '';
      return `Until ${pad(node.hour)}:${pad(node.minute)}${days}`;
    }
    case 'wait_for_event':
      return `${String(node.event || '…')} within ${formatDuration(node.timeoutSeconds)}`;
    case 'condition':
      return `${Array.isArray(node.branches) ? node.branches.length : 0} branch(es) + otherwise`;
    case 'split': {
      const holdout = typeof node.holdoutPercent === 'number' && node.holdoutPercent > 0 ? `, ${node.holdoutPercent}% holdout` : '';
      return `${Array.isArray(node.branches) ? node.branches.length : 0} variant(s)${holdout}`;
    }
    case 'message': {
      const sendAt = node.sendAt as { mode?: string; withinHours?: number } | undefined;
      const when = sendAt?.mode === 'best_time' ? `best time within ${sendAt.withinHours ?? 24} h` : 'now';
      return `${String(node.channel ?? '?')} · ${node.template ? nameOf(names.template, node.template) : 'no template'} · ${when}`;
    }
    case 'update_trait':
      return `${String(node.trait || '…')} = ${JSON.stringify(node.value ?? null)}`;
    case 'webhook':
      return String(node.url || 'no URL');
    case 'exit':
      return 'End of journey';
  }
}

/** Look-ups from a referenced id to the name a marketer gave it; without one, or for an unknown id, the id shows. */
export interface Names {
  template?: ((idOrName: string) => string | undefined) | undefined;
  segment?: ((id: string) => string | undefined) | undefined;
}

const nameOf = (lookup: ((id: string) => string | undefined) | undefined, ref: unknown): string => lookup?.(String(ref)) ?? String(ref);

/** One line for a trigger: `Checkout Started (+1 filter)`, `enters segment seg_1`, ... */
export function triggerSummary(trigger: unknown, names: Names = {}): string {
  const t = (trigger ?? {}) as Record<string, unknown>;
  switch (t.type) {
    case 'event': {
      const n = Array.isArray(t.filters) ? t.filters.length : 0;
      return `Event ${String(t.event || '…')}${n ? ` (+${n} filter${n > 1 ? 's' : ''})` : ''}`;
    }
    case 'segment':
      return `${t.on === 'exited' ? 'Exits' : 'Enters'} segment ${t.segmentId ? nameOf(names.segment, t.segmentId) : '…'}`;
    case 'date_property': {
      const d = typeof t.offsetDays === 'number' ? t.offsetDays : 0;
      const when = d === 0 ? 'On' : `${Math.abs(d)} day${Math.abs(d) === 1 ? '' : 's'} ${d < 0 ? 'before' : 'after'}`;
      return `${when} ${String(t.property || '…')}${t.recurring === 'yearly' ? ', yearly' : ''}`;
    }
    case 'broadcast':
      return `Broadcast to segment ${t.segmentId ? nameOf(names.segment, t.segmentId) : '…'} at ${String(t.at || '…')}`;
    default:
      return 'No trigger';
  }
}

/** `draft`, `published v3`, `paused (v3)`, `archived`. */
export function statusLabel(status: string, publishedVersion: number | null): string {
  if (status === 'published') return `published v${publishedVersion ?? '?'}`;
  if (status === 'paused') return publishedVersion ? `paused (v${publishedVersion})` : 'paused';
  return status;
}
