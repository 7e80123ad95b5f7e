import type { PropertyFilter } from './definition';

function compare(actual: unknown, filter: PropertyFilter): boolean {
  const { op, value } = filter;
  if (op === 'exists') return actual !== undefined && actual !== null && actual !== '';
  if (actual === undefined || actual === null) return op === 'neq';
  switch (op) {
    case 'eq':
      return String(actual) === String(value);
    case 'neq':
      return String(actual) !== String(value);
    case 'contains':
      return Array.isArray(actual) ? actual.map(String).includes(String(value)) : String(actual).includes(String(value));
    default: {
      const a = Number(actual);
      const b = Number(value);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
  }
}

/** Looks a dotted path up (`address.city`). */
function lookup(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let cur: unknown = source;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

export function matchesFilter(source: Record<string, unknown>, filter: PropertyFilter): boolean {
  return compare(lookup(source, filter.property), filter);
}

export function matchesAll(source: Record<string, unknown>, filters: PropertyFilter[]): boolean {
  return filters.every((f) => matchesFilter(source, f));
}
