import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from './invalidation';

/**
 * A per-process cache whose entries any process drops by publishing their key on `topic` (see
 * `invalidation.ts`); a TTL, given per entry (`set(key, value, { ttl })`), only bounds how stale
 * an entry gets while this process misses those messages. It listens from its first use, so a
 * process that never reads it holds no subscription.
 */
export class TopicCache<V extends object> {
  readonly #entries: LRUCache<string, V>;
  #listening = false;

  constructor(
    private readonly bus: InvalidationBus,
    private readonly topic: string,
    options: { max: number },
  ) {
    this.#entries = ttlCache<V>(options);
  }

  get entries(): LRUCache<string, V> {
    if (!this.#listening) {
      this.#listening = true;
      this.bus.subscribe(this.topic, (key) => this.#entries.delete(key));
    }
    return this.#entries;
  }

  /**
   * The cached promise of `key`, or `load()`'s kept for `ttlMs` (concurrent callers share it); a load
   * that fails is dropped, so the next caller tries again. `fresh` skips the cached copy.
   */
  load(key: string, ttlMs: number, load: () => V & PromiseLike<unknown>, fresh = false): V {
    return loadShared(this.entries, key, ttlMs, load, fresh);
  }
}

/**
 * The cached promise of `key` in `cache`, or `load()`'s kept for `ttlMs`: concurrent callers share one
 * load, and a load that fails is dropped, so the next caller tries again. `fresh` skips the cached copy.
 */
export function loadShared<V extends NonNullable<unknown>>(cache: LRUCache<string, V>, key: string, ttlMs: number, load: () => V & PromiseLike<unknown>, fresh = false): V {
  const hit = cache.get(key);
  if (hit && !fresh) return hit;
  const value = load();
  value.then(undefined, () => cache.get(key) === value && cache.delete(key));
  cache.set(key, value, { ttl: ttlMs });
  return value;
}

/** A bounded cache whose entries expire `ttlMs` after they were set (or the `ttl` given to `set`). */
export function ttlCache<V extends NonNullable<unknown>>(options: { max: number; ttlMs?: number }): LRUCache<string, V> {
  // Ages are read from Date.now (not performance.now), as every other deadline of ours is, looked up at
  // each call so a clock moved in tests moves them too.
  return new LRUCache<string, V>({ max: options.max, ttlResolution: 0, perf: { now: () => Date.now() }, ...(options.ttlMs ? { ttl: options.ttlMs } : {}) });
}
