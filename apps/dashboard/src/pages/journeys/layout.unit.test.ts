import { describe, expect, it } from 'vitest';
import { triggerNodeId, type Draft, type DraftNode } from './graph';
import { defaultNodeSize, layoutJourney } from './layout';

const message = (id: string, next: string | null = null): DraftNode => ({ id, type: 'message', next });
const exit = (id: string): DraftNode => ({ id, type: 'exit' });
const condition = (id: string, yes: string, no: string): DraftNode => ({
  id,
  type: 'condition',
  branches: [{ name: 'Yes', when: [], next: yes }],
  otherwise: no,
});

/** A condition whose "no" side is a long chain and whose "yes" side ends at once: a layout likes to swap those. */
const lopsided: Draft = {
  start: 'vip',
  nodes: [condition('vip', 'thanks', 'remind'), exit('thanks'), message('remind', 'wait'), { id: 'wait', type: 'wait', seconds: 60, next: 'again' }, message('again', 'bye'), exit('bye')],
};

const boxes = (at: Map<string, { x: number; y: number }>) =>
  [...at].map(([id, p]) => ({ id, ...p, right: p.x + defaultNodeSize.width, bottom: p.y + defaultNodeSize.height }));
const overlaps = (at: Map<string, { x: number; y: number }>) => {
  const b = boxes(at);
  return b.flatMap((p, i) => b.slice(i + 1).filter((q) => p.x < q.right && q.x < p.right && p.y < q.bottom && q.y < p.bottom).map((q) => `${p.id}/${q.id}`));
};

describe('journey auto-layout', () => {
  it('places every step below the one that leads to it, the trigger at the top, no two cards overlapping', () => {
    const at = layoutJourney(lopsided);
    expect(at.get(triggerNodeId)).toEqual({ x: -defaultNodeSize.width / 2, y: 0 });
    for (const [from, to] of [[triggerNodeId, 'vip'], ['vip', 'thanks'], ['vip', 'remind'], ['remind', 'wait'], ['wait', 'again'], ['again', 'bye']] as const) {
      expect(at.get(to)!.y, `${to} below ${from}`).toBeGreaterThanOrEqual(at.get(from)!.y + defaultNodeSize.height);
    }
    expect(overlaps(at)).toEqual([]);
  });

  it('keeps a condition’s outputs in handle order: yes left, no right, whichever side is longer', () => {
    const at = layoutJourney(lopsided);
    expect(at.get('thanks')!.x).toBeLessThan(at.get('remind')!.x);
    const flipped: Draft = { ...lopsided, nodes: lopsided.nodes.map((n) => (n.id === 'vip' ? condition('vip', 'remind', 'thanks') : n)) };
    const other = layoutJourney(flipped);
    expect(other.get('remind')!.x).toBeLessThan(other.get('thanks')!.x);
    expect(overlaps(other)).toEqual([]);
  });

  it('orders many outputs left to right, and is the same every time', () => {
    const split: Draft = {
      start: 'ab',
      nodes: [
        { id: 'ab', type: 'split', branches: ['c', 'a', 'b'].map((t) => ({ name: t, weight: 1, next: t })) },
        message('c', 'end'),
        exit('a'),
        message('b', 'end'),
        exit('end'),
      ],
    };
    const at = layoutJourney(split);
    expect(at.get('c')!.x).toBeLessThan(at.get('a')!.x);
    expect(at.get('a')!.x).toBeLessThan(at.get('b')!.x);
    expect(layoutJourney(split)).toEqual(at);
  });

  it('gives measured cards their size and still places steps nothing reaches', () => {
    const draft: Draft = { start: 'one', nodes: [message('one', 'two'), message('two'), message('loose')] };
    const at = layoutJourney(draft, { one: { width: 400, height: 300 } });
    expect(at.get('two')!.y).toBeGreaterThanOrEqual(at.get('one')!.y + 300);
    expect(at.has('loose')).toBe(true);
    expect(overlaps(new Map([...at].filter(([id]) => id !== 'one')))).toEqual([]);
  });

  it('lays out an empty journey as the trigger alone', () => {
    expect([...layoutJourney({ nodes: [] }).keys()]).toEqual([triggerNodeId]);
  });
});
