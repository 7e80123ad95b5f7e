import { describe, expect, it } from 'vitest';
import { historyOf, record, redo, settle, undo } from './history';

describe('builder history', () => {
  it('undoes and redoes changes in order, and a new change drops what could be redone', () => {
    let h = historyOf('a');
    h = record(h, 'b');
    h = record(h, 'c');
    h = undo(h);
    expect(h.present).toBe('b');
    h = undo(h);
    expect(h.present).toBe('a');
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe('b');
    h = record(h, 'd');
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(h).present).toBe('b');
  });

  it('folds a run of changes with one key (a drag, typing) into one step until it settles', () => {
    let h = historyOf(0);
    h = record(h, 1, 'move:a');
    h = record(h, 2, 'move:a');
    h = record(h, 3, 'move:a');
    expect(undo(h).present).toBe(0);
    h = settle(h);
    h = record(h, 4, 'move:a');
    expect(undo(h).present).toBe(3);
  });

  it('ignores a change that changes nothing, and keeps at most a hundred steps', () => {
    const h = historyOf({ n: 0 });
    expect(record(h, h.present)).toBe(h);
    let long = historyOf(0);
    for (let i = 1; i <= 150; i++) long = record(long, i);
    expect(long.past).toHaveLength(100);
    expect(long.past[0]).toBe(50);
  });
});
