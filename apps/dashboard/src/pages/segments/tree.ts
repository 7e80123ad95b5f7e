import type { Condition, Group, Leaf, LeafOf, LeafType } from './types';

/**
 * Pure editing of a segment's condition tree. A node is addressed by its path: the child indexes
 * from the root (a `not` has one child, index 0). Every edit returns a new tree and leaves the old
 * one untouched, so React sees each change and undo would be trivial.
 */
export type Path = number[];

export const isGroup = (c: Condition): c is Group => c.type === 'and' || c.type === 'or';

export const pathKey = (path: Path) => (path.length ? path.join('.') : 'root');

function children(c: Condition): Condition[] {
  if (c.type === 'and' || c.type === 'or') return c.conditions;
  if (c.type === 'not') return [c.condition];
  return [];
}

function withChildren(c: Condition, kids: Condition[]): Condition {
  if (c.type === 'and' || c.type === 'or') return { ...c, conditions: kids };
  if (c.type === 'not') return { ...c, condition: kids[0]! };
  return c;
}

export function nodeAt(root: Condition, path: Path): Condition | undefined {
  let node: Condition | undefined = root;
  for (const i of path) node = node ? children(node)[i] : undefined;
  return node;
}

/** Replaces the node at `path` with `fn(node)`; an unknown path changes nothing. */
export function updateAt(root: Condition, path: Path, fn: (c: Condition) => Condition): Condition {
  if (path.length === 0) return fn(root);
  const [i, ...rest] = path as [number, ...number[]];
  const kids = children(root);
  if (i < 0 || i >= kids.length) return root;
  const next = kids.slice();
  next[i] = updateAt(kids[i]!, rest, fn);
  return withChildren(root, next);
}

/** Appends `node` to the group at `path`. */
export function addChild(root: Condition, path: Path, node: Condition): Condition {
  return updateAt(root, path, (c) => (c.type === 'and' || c.type === 'or' ? { ...c, conditions: [...c.conditions, node] } : c));
}

/**
 * Removes the node at `path` from its group. The root cannot be removed; removing the child of a
 * `not` removes the `not` too (a `not` without a condition means nothing).
 */
export function removeAt(root: Condition, path: Path): Condition {
  if (path.length === 0) return root;
  const parentPath = path.slice(0, -1);
  const parent = nodeAt(root, parentPath);
  if (parent?.type === 'not') return removeAt(root, parentPath);
  const i = path.at(-1)!;
  return updateAt(root, parentPath, (c) => (c.type === 'and' || c.type === 'or' ? { ...c, conditions: c.conditions.filter((_, j) => j !== i) } : c));
}

/** Negates a node: wraps it in `not`, or unwraps it when it already is one. */
export function toggleNot(root: Condition, path: Path): Condition {
  return updateAt(root, path, (c) => (c.type === 'not' ? c.condition : { type: 'not', condition: c }));
}

/** Turns a condition into a group holding it, so siblings can be added beside it. */
export function wrapInGroup(root: Condition, path: Path, type: Group['type']): Condition {
  return updateAt(root, path, (c) => ({ type, conditions: [c] }));
}

export function setGroupType(root: Condition, path: Path, type: Group['type']): Condition {
  return updateAt(root, path, (c) => (c.type === 'and' || c.type === 'or' ? { ...c, type } : c));
}

/** Moves a child one place up (-1) or down (+1) inside its group. */
export function moveChild(root: Condition, path: Path, delta: -1 | 1): Condition {
  if (path.length === 0) return root;
  const i = path.at(-1)!;
  return updateAt(root, path.slice(0, -1), (c) => {
    if (c.type !== 'and' && c.type !== 'or') return c;
    const j = i + delta;
    if (j < 0 || j >= c.conditions.length) return c;
    const next = c.conditions.slice();
    [next[i], next[j]] = [next[j]!, next[i]!];
    return { ...c, conditions: next };
  });
}

/** A sensible new condition of each kind, ready to be edited. */
export function defaultLeaf<T extends LeafType>(type: T): LeafOf<T> {
  const leaves: { [K in LeafType]: LeafOf<K> } = {
    trait: { type: 'trait', trait: '', op: 'eq', value: '' },
    feature: { type: 'feature', feature: 'orders', op: 'gte', value: 1 },
    feature_text: { type: 'feature_text', feature: 'first_source', op: 'eq', value: '' },
    feature_date: { type: 'feature_date', feature: 'last_seen', op: 'after', value: { daysAgo: 30 } },
    feature_list: { type: 'feature_list', feature: 'categories_bought', op: 'has', value: '' },
    event: { type: 'event', event: '', where: [], count: { op: 'gte', value: 1 } },
    last_performed: { type: 'last_performed', event: '', op: 'after', value: { daysAgo: 30 } },
    rfm_segment: { type: 'rfm_segment', segments: ['Champions'] },
    rfm_score: { type: 'rfm_score', score: 'r', op: 'gte', value: 4 },
    segment: { type: 'segment', segmentId: '', member: true },
    reachable: { type: 'reachable', channel: 'email' },
    consent: { type: 'consent', channel: 'email', granted: true },
    random_bucket: { type: 'random_bucket', salt: '', from: 0, to: 9 },
  };
  return structuredClone(leaves[type]);
}

export const emptyDefinition = (): Condition => ({ type: 'and', conditions: [defaultLeaf('event')] });

export interface TreeError {
  /** pathKey of the node the error belongs to. */
  at: string;
  field: string;
  message: string;
}

const isBlank = (s: string | undefined) => !s || !s.trim();
const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
const isNum = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const noValueOps = new Set(['exists', 'not_exists']);

function whenError(w: { at: string } | { daysAgo: number }): string | null {
  if ('at' in w) return Number.isNaN(Date.parse(w.at)) ? 'pick a date' : null;
  return isInt(w.daysAgo) && w.daysAgo >= 0 && w.daysAgo <= 36500 ? null : 'days ago must be a whole number from 0 to 36500';
}

function leafErrors(c: Leaf, segmentIds: ReadonlySet<string> | null): Array<[string, string]> {
  const errs: Array<[string, string]> = [];
  switch (c.type) {
    case 'trait':
      if (isBlank(c.trait)) errs.push(['trait', 'name the trait']);
      if (!noValueOps.has(c.op) && (c.value === undefined || c.value === '')) errs.push(['value', 'enter a value']);
      break;
    case 'feature':
      if (!isNum(c.value)) errs.push(['value', 'enter a number']);
      break;
    case 'feature_text':
    case 'feature_list':
      break;
    case 'feature_date':
    case 'last_performed': {
      if (c.type === 'last_performed' && isBlank(c.event)) errs.push(['event', 'name the event']);
      const e = whenError(c.value);
      if (e) errs.push(['value', e]);
      break;
    }
    case 'event':
      if (isBlank(c.event)) errs.push(['event', 'name the event']);
      if (!isInt(c.count.value) || c.count.value < 0) errs.push(['count', 'the count must be a whole number ≥ 0']);
      if (c.within && (!isInt(c.within.days) || c.within.days < 1 || c.within.days > 36500)) errs.push(['within', 'days must be a whole number from 1 to 36500']);
      if (c.between) {
        const from = Date.parse(c.between.from);
        const to = Date.parse(c.between.to);
        if (Number.isNaN(from) || Number.isNaN(to)) errs.push(['between', 'pick both dates']);
        else if (from >= to) errs.push(['between', 'the start must be before the end']);
      }
      c.where.forEach((w, i) => {
        if (isBlank(w.property)) errs.push([`where.${i}`, 'name the property']);
        else if (w.op !== 'exists' && (w.value === undefined || w.value === '')) errs.push([`where.${i}`, 'enter a value']);
      });
      if (c.where.length > 10) errs.push(['where', 'at most 10 property filters']);
      break;
    case 'rfm_segment':
      if (c.segments.length === 0) errs.push(['segments', 'pick at least one RFM segment']);
      break;
    case 'rfm_score':
      if (!isInt(c.value) || c.value < 0 || c.value > 5) errs.push(['value', 'a score is a whole number from 0 to 5']);
      break;
    case 'segment':
      if (isBlank(c.segmentId)) errs.push(['segmentId', 'pick a segment']);
      else if (segmentIds && !segmentIds.has(c.segmentId)) errs.push(['segmentId', 'this segment no longer exists']);
      break;
    case 'reachable':
    case 'consent':
      break;
    case 'random_bucket':
      for (const k of ['from', 'to'] as const) if (!isInt(c[k]) || c[k] < 0 || c[k] > 99) errs.push([k, 'a bucket is a whole number from 0 to 99']);
      if (isInt(c.from) && isInt(c.to) && c.from > c.to) errs.push(['to', '“to” must not be below “from”']);
      break;
  }
  return errs;
}

/**
 * What is wrong with a tree, per node, in the words the editor shows beside the field. Mirrors the
 * server's schema so the live estimate only asks for definitions the server will accept; the server
 * still has the last word (its message is shown when it disagrees).
 */
export function validateTree(root: Condition, segmentIds: ReadonlySet<string> | null = null): TreeError[] {
  const out: TreeError[] = [];
  const walk = (c: Condition, path: Path) => {
    const at = pathKey(path);
    if (isGroup(c)) {
      if (c.conditions.length === 0) out.push({ at, field: 'conditions', message: 'add at least one condition' });
      if (c.conditions.length > 50) out.push({ at, field: 'conditions', message: 'at most 50 conditions in one group' });
      c.conditions.forEach((k, i) => walk(k, [...path, i]));
    } else if (c.type === 'not') {
      walk(c.condition, [...path, 0]);
    } else {
      for (const [field, message] of leafErrors(c, segmentIds)) out.push({ at, field, message });
    }
  };
  walk(root, []);
  return out;
}

/** Errors grouped by node, for the editor to look up per node. */
export function errorsByNode(errors: TreeError[]): Map<string, TreeError[]> {
  const map = new Map<string, TreeError[]>();
  for (const e of errors) map.set(e.at, [...(map.get(e.at) ?? []), e]);
  return map;
}

/** Number of leaf conditions, for the summary line. */
export function countLeaves(c: Condition): number {
  const kids = children(c);
  return kids.length === 0 && c.type !== 'and' && c.type !== 'or' ? 1 : kids.reduce((n, k) => n + countLeaves(k), 0);
}
