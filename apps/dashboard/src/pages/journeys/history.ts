/** Undo and redo over immutable values: the builder's draft. */
export interface History<T> {
  past: T[];
  present: T;
  future: T[];
  /** Changes with the same key in a row (one drag, typing in one form) are one step to undo. */
  lastKey: string | null;
}

const limit = 100;

export const historyOf = <T>(present: T): History<T> => ({ past: [], present, future: [], lastKey: null });

export function record<T>(h: History<T>, next: T, key: string | null = null): History<T> {
  if (next === h.present) return h;
  if (key !== null && key === h.lastKey) return { ...h, present: next, future: [] };
  return { past: [...h.past, h.present].slice(-limit), present: next, future: [], lastKey: key };
}

export function undo<T>(h: History<T>): History<T> {
  const previous = h.past.at(-1);
  if (previous === undefined) return h;
  return { past: h.past.slice(0, -1), present: previous, future: [h.present, ...h.future], lastKey: null };
}

export function redo<T>(h: History<T>): History<T> {
  const [next, ...rest] = h.future;
  if (next === undefined) return h;
  return { past: [...h.past, h.present], present: next, future: rest, lastKey: null };
}

/** Ends a run of same-key changes, so the next change is a step of its own. */
export const settle = <T>(h: History<T>): History<T> => (h.lastKey === null ? h : { ...h, lastKey: null });
