import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';

/** A stored event as the dashboard gets it (the shape `events.latest` returns). */
export type EventView = inferRouterOutputs<AppRouter>['events']['latest'][number];

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

function pageOf(e: EventView): Record<string, unknown> {
  const page = e.context.page;
  return typeof page === 'object' && page !== null ? (page as Record<string, unknown>) : {};
}

/** A one-line label: the event name, else what the call was about (page path, identified email...). */
export function describeEvent(e: EventView): string {
  if (e.event) return e.event;
  switch (e.type) {
    case 'page':
    case 'screen':
      return text(e.properties.name) || text(e.properties.path) || text(pageOf(e).path) || text(e.properties.url) || '';
    case 'identify':
      return text(e.traits.email) || text(e.traits.name) || '';
    case 'group':
      return text(e.traits.name) || text(e.properties.groupId) || '';
    default:
      return '';
  }
}

/** Where the event happened, when a browser sent it. */
export function pageUrlOf(e: EventView): string {
  return text(pageOf(e).url) || text(e.properties.url);
}

/** The order types are stacked and listed in: the common Segment calls first, then the rest by name. */
const typeOrder = ['track', 'page', 'identify', 'screen', 'group', 'alias'];

export function sortTypes(types: Iterable<string>): string[] {
  const rank = (t: string) => {
    const i = typeOrder.indexOf(t);
    return i === -1 ? typeOrder.length : i;
  };
  return [...new Set(types)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const palette: Record<string, string> = {
  track: '#4f46e5',
  page: '#0891b2',
  identify: '#d97706',
  screen: '#7c3aed',
  group: '#059669',
  alias: '#db2777',
};
const spare = ['#64748b', '#65a30d', '#dc2626', '#0d9488'];

export function typeColor(type: string): string {
  if (palette[type]) return palette[type];
  let h = 0;
  for (const c of type) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return spare[h % spare.length] ?? '#64748b';
}
