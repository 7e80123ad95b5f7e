import { describe, expect, it } from 'vitest';
import { settledBy } from './deadline';

/** Holds the event loop, as a GC pause or a process waiting for a CPU does. */
function holdLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('settledBy', () => {
  it('gives the value when it settles in time, undefined when it does not', async () => {
    expect(await settledBy(Promise.resolve(1), performance.now() + 1_000)).toBe(1);
    expect(await settledBy(new Promise<number>(() => undefined), performance.now() + 5)).toBeUndefined();
    expect(await settledBy(new Promise<number>(() => undefined), performance.now() - 1)).toBeUndefined();
  });

  it('keeps an answer that was waiting when its late deadline timer fired', async () => {
    // From the loop's check phase, so that the next turn starts with its timers, as a turn does.
    await new Promise((r) => setImmediate(r));
    let answer!: (v: string) => void;
    const lookup = new Promise<string>((r) => (answer = r));
    const result = settledBy(lookup, performance.now() + 5);
    // The loop is held past the deadline while the answer arrives: it is handled in the same turn
    // as the overdue timer, after it (as a socket read is).
    holdLoop(30);
    setImmediate(() => answer('facts'));
    expect(await result).toBe('facts');
  });

  it('does not leave a rejected look-up unhandled', async () => {
    const failed = Promise.reject(new Error('redis down'));
    expect(await settledBy(failed.then(() => 1), performance.now() + 1_000).catch(() => 'rejected')).toBe('rejected');
  });
});
