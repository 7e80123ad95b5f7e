import { describe, expect, it } from 'vitest';
import { overriding } from './overriding';

class Counter {
  #n = 0;
  label = 'counter';
  next(): number {
    return ++this.#n;
  }
  get twice(): number {
    return this.#n * 2;
  }
}

describe('overriding', () => {
  it('answers the overridden members and hands every other to the target, bound to it', () => {
    const real = new Counter();
    const wrapped = overriding(real, { label: 'wrapped' });
    expect(wrapped.label).toBe('wrapped');
    expect(wrapped.next()).toBe(1);
    const { next } = wrapped;
    expect(next()).toBe(2);
    expect(wrapped.twice).toBe(4);
    expect(real.label).toBe('counter');
  });
});
