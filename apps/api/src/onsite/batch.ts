/**
 * Look-ups that concurrent requests share: while one query for a workspace runs, the keys asked
 * for meanwhile gather into the next one (like the event writer's group commit), and answers are
 * cached per key for a TTL that depends on the answer. No timer delays a lone request.
 * Past its TTL an answer is still served for up to `staleMs` while a fresh one is fetched in the
 * background (stale-while-revalidate), so a visitor's later page views never wait on a store.
 */
const maxEntries = 200_000;

interface Entry<V> {
  at: number;
  ttl: number;
  value: Promise<V>;
  settled: boolean;
  refreshing?: boolean;
}

export class BatchLoader<V> {
  #cache = new Map<string, Entry<V>>();
  #pending = new Map<string, Map<string, Array<{ resolve: (v: V) => void; reject: (e: unknown) => void }>>>();
  #running = new Set<string>();

  constructor(
    private readonly fetch: (workspaceId: string, keys: string[]) => Promise<Map<string, V>>,
    private readonly missing: (workspaceId: string, key: string) => V,
    private readonly ttlOf: (v: V) => number,
    private readonly defaultTtlMs = 15_000,
    private readonly staleMs = 0,
  ) {}

  /** The cached answer, if any is still served (to update it in place after a local write). */
  peek(workspaceId: string, key: string): Promise<V> | undefined {
    const hit = this.#cache.get(`${workspaceId}\u0000${key}`);
    return hit && Date.now() - hit.at < hit.ttl + (hit.settled ? this.staleMs : 0) ? hit.value : undefined;
  }

  /** Drops one cached answer. */
  forgetKey(workspaceId: string, key: string): void {
    this.#cache.delete(`${workspaceId}\u0000${key}`);
  }

  /**
   * Replaces a cached answer by a fresh look-up started now (when one is cached): the data behind it
   * changed, and the key's next request should find the new answer rather than the old one. If the
   * look-up fails, the old answer is served again (as a failed background refresh leaves it).
   */
  refreshKey(workspaceId: string, key: string): void {
    const k = `${workspaceId}\u0000${key}`;
    const old = this.#cache.get(k);
    if (!old) return;
    const next = this.#fetchEntry(workspaceId, key, k, Date.now());
    this.#cache.set(k, next);
    next.value.catch(() => old.settled && !this.#cache.has(k) && this.#cache.set(k, old));
  }

  load(workspaceId: string, key: string): Promise<V> {
    const k = `${workspaceId}\u0000${key}`;
    const hit = this.#cache.get(k);
    const now = Date.now();
    if (hit && now - hit.at < hit.ttl) return hit.value;
    if (hit?.settled && now - hit.at < hit.ttl + this.staleMs) {
      if (!hit.refreshing) {
        hit.refreshing = true;
        // The fresh answer replaces this one once it lands; a failed refresh keeps serving the stale one.
        const next = this.#fetchEntry(workspaceId, key, k, now);
        next.value.then(
          () => this.#cache.get(k) === hit && this.#cache.set(k, next),
          () => (hit.refreshing = false),
        );
      }
      return hit.value;
    }
    const entry = this.#fetchEntry(workspaceId, key, k, now);
    if (this.#cache.size >= maxEntries) this.#cache.clear();
    this.#cache.set(k, entry);
    return entry.value;
  }

  #fetchEntry(workspaceId: string, key: string, k: string, now: number): Entry<V> {
    const entry: Entry<V> = { at: now, ttl: this.defaultTtlMs, settled: false, value: new Promise<V>((resolve, reject) => this.#enqueue(workspaceId, key, { resolve, reject })) };
    entry.value.then(
      (v) => {
        entry.ttl = this.ttlOf(v);
        entry.settled = true;
      },
      () => this.#cache.get(k) === entry && this.#cache.delete(k),
    );
    return entry;
  }

  /** Drops cached answers of one workspace (tests, and after a change this process made). */
  forget(workspaceId: string): void {
    for (const k of this.#cache.keys()) if (k.startsWith(`${workspaceId}\u0000`)) this.#cache.delete(k);
  }

  #enqueue(workspaceId: string, key: string, waiter: { resolve: (v: V) => void; reject: (e: unknown) => void }): void {
    let byKey = this.#pending.get(workspaceId);
    if (!byKey) this.#pending.set(workspaceId, (byKey = new Map()));
    const list = byKey.get(key);
    if (list) list.push(waiter);
    else byKey.set(key, [waiter]);
    if (!this.#running.has(workspaceId)) {
      this.#running.add(workspaceId);
      setImmediate(() => void this.#drain(workspaceId));
    }
  }

  async #drain(workspaceId: string): Promise<void> {
    for (;;) {
      const batch = this.#pending.get(workspaceId);
      if (!batch || batch.size === 0) break;
      this.#pending.delete(workspaceId);
      try {
        const found = await this.fetch(workspaceId, [...batch.keys()]);
        for (const [key, waiters] of batch) {
          const v = found.get(key) ?? this.missing(workspaceId, key);
          for (const w of waiters) w.resolve(v);
        }
      } catch (err) {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(err);
      }
    }
    this.#running.delete(workspaceId);
  }
}

