import { describe, expect, it } from 'vitest';
import {
  addChild,
  countLeaves,
  defaultLeaf,
  errorsByNode,
  moveChild,
  nodeAt,
  pathKey,
  removeAt,
  setGroupType,
  toggleNot,
  updateAt,
  validateTree,
  wrapInGroup,
} from './tree';
import { leafTypes } from './catalog';
import type { Condition } from './types';

const bought: Condition = { type: 'event', event: 'Order Completed', where: [], count: { op: 'gte', value: 2 } };
const vip: Condition = { type: 'trait', trait: 'plan', op: 'eq', value: 'vip' };
const champions: Condition = { type: 'rfm_segment', segments: ['Champions'] };
const tree = (): Condition => ({ type: 'and', conditions: [bought, { type: 'or', conditions: [vip, { type: 'not', condition: champions }] }] });

describe('tree editing', () => {
  it('finds nodes by path, through groups and nots', () => {
    const t = tree();
    expect(nodeAt(t, [])).toBe(t);
    expect(nodeAt(t, [0])).toEqual(bought);
    expect(nodeAt(t, [1, 1, 0])).toEqual(champions);
    expect(nodeAt(t, [5])).toBeUndefined();
    expect(nodeAt(t, [0, 0])).toBeUndefined();
  });

  it('updates one node and leaves the original tree untouched', () => {
    const t = tree();
    const before = JSON.stringify(t);
    const next = updateAt(t, [1, 0], () => ({ ...vip, value: 'gold' }));
    expect(JSON.stringify(t)).toBe(before);
    expect(nodeAt(next, [1, 0])).toEqual({ ...vip, value: 'gold' });
    // Untouched branches are shared, not copied.
    expect(nodeAt(next, [0])).toBe(nodeAt(t, [0]));
    expect(updateAt(t, [9], () => vip)).toBe(t);
  });

  it('adds to a group, and only to a group', () => {
    const t = addChild(tree(), [1], defaultLeaf('reachable'));
    expect(nodeAt(t, [1, 2])).toEqual({ type: 'reachable', channel: 'email' });
    expect(addChild(t, [0], vip)).toEqual(t);
  });

  it('removes a node; removing the child of a not removes the not; the root stays', () => {
    const t = tree();
    expect(removeAt(t, [0])).toEqual({ type: 'and', conditions: [t.type === 'and' ? t.conditions[1] : null] });
    expect(removeAt(t, [1, 1, 0])).toEqual({ type: 'and', conditions: [bought, { type: 'or', conditions: [vip] }] });
    expect(removeAt(t, [])).toBe(t);
  });

  it('negates and un-negates', () => {
    const t = toggleNot(tree(), [0]);
    expect(nodeAt(t, [0])).toEqual({ type: 'not', condition: bought });
    expect(toggleNot(t, [0])).toEqual(tree());
    expect(toggleNot(tree(), [])).toEqual({ type: 'not', condition: tree() });
  });

  it('switches and/or, wraps a node in a group and moves children', () => {
    expect(setGroupType(tree(), [], 'or').type).toBe('or');
    expect(setGroupType(tree(), [0], 'or')).toEqual(tree());
    expect(nodeAt(wrapInGroup(tree(), [0], 'or'), [0])).toEqual({ type: 'or', conditions: [bought] });
    const moved = moveChild(tree(), [1], -1);
    expect(nodeAt(moved, [0])?.type).toBe('or');
    expect(nodeAt(moved, [1])).toEqual(bought);
    expect(moveChild(tree(), [0], -1)).toEqual(tree());
    expect(moveChild(tree(), [1], 1)).toEqual(tree());
  });

  it('counts leaves', () => {
    expect(countLeaves(tree())).toBe(3);
    expect(countLeaves(vip)).toBe(1);
    expect(countLeaves({ type: 'and', conditions: [] })).toBe(0);
  });
});

describe('validateTree', () => {
  it('accepts a complete tree', () => {
    expect(validateTree(tree())).toEqual([]);
  });

  it('flags each problem at its node and field', () => {
    const t: Condition = {
      type: 'and',
      conditions: [
        { type: 'event', event: ' ', where: [{ property: 'total', op: 'gt' }], count: { op: 'gte', value: NaN }, within: { days: 0 } },
        { type: 'or', conditions: [] },
        { type: 'not', condition: { type: 'random_bucket', salt: '', from: 50, to: 10 } },
        { type: 'trait', trait: 'plan', op: 'eq', value: '' },
        { type: 'trait', trait: 'plan', op: 'exists' },
        { type: 'segment', segmentId: 'seg_gone', member: true },
        { type: 'rfm_segment', segments: [] },
        { type: 'feature_date', feature: 'last_seen', op: 'after', value: { at: 'not a date' } },
      ],
    };
    const errors = validateTree(t, new Set(['seg_other']));
    const by = errorsByNode(errors);
    expect(by.get('0')?.map((e) => e.field)).toEqual(['event', 'count', 'within', 'where.0']);
    expect(by.get('1')?.[0]?.message).toBe('add at least one condition');
    expect(by.get('2.0')?.map((e) => e.field)).toEqual(['to']);
    expect(by.get('3')?.map((e) => e.field)).toEqual(['value']);
    expect(by.has('4')).toBe(false);
    expect(by.get('5')?.[0]?.message).toBe('this segment no longer exists');
    expect(by.get('6')?.[0]?.field).toBe('segments');
    expect(by.get('7')?.[0]?.message).toBe('pick a date');
    expect(by.has(pathKey([]))).toBe(false);
  });

  it('rejects an empty root group and an event window that ends before it starts', () => {
    expect(validateTree({ type: 'and', conditions: [] })).toEqual([{ at: 'root', field: 'conditions', message: 'add at least one condition' }]);
    const between: Condition = { type: 'event', event: 'x', where: [], count: { op: 'gte', value: 1 }, between: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } };
    expect(validateTree(between)).toEqual([{ at: 'root', field: 'between', message: 'the start must be before the end' }]);
  });

  it('gives every kind of condition a default the editor can start from', () => {
    for (const t of leafTypes) {
      const leaf = defaultLeaf(t);
      expect(leaf.type).toBe(t);
      // Defaults that need typing (a name, a segment) are flagged, never silently sent.
      const needsInput = ['trait', 'event', 'last_performed', 'segment'].includes(t);
      expect(validateTree(leaf).length > 0).toBe(needsInput);
    }
    // Each call gives a fresh object, so editing one never changes another.
    expect(defaultLeaf('event')).not.toBe(defaultLeaf('event'));
  });
});
