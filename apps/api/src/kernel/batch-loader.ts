interface Request<V> {
  id: string;
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

/**
 * Loads values by id, many callers' ids in one load. The first request of a key starts a load at
 * once (no timer, so a lone caller waits for nothing but its own load); requests arriving while a
 * load of their key runs wait and share the next one, up to `maxBatch` ids a load. Every value comes
 * from a load that started after it was asked for: nothing is cached. A load that fails rejects
 * each of its callers. A value the load leaves out is `undefined`.
 */
export class BatchLoader<V> {
  #keys = new Map<string, Request<V>[]>();

  constructor(
    private readonly loadMany: (key: string, ids: string[]) => Promise<Map<string, V>>,
    private readonly maxBatch = 500,
  ) {}

  load(key: string, id: string): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const waiting = this.#keys.get(key);
      if (waiting) {
        waiting.push({ id, resolve, reject });
        return;
      }
      const queue: Request<V>[] = [{ id, resolve, reject }];
      this.#keys.set(key, queue);
      void this.#drain(key, queue);
    });
  }

  async #drain(key: string, queue: Request<V>[]): Promise<void> {
    while (queue.length > 0) {
      const batch: Request<V>[] = [];
      const ids = new Set<string>();
      while (queue.length > 0 && (ids.size < this.maxBatch || ids.has(queue[0]!.id))) {
        const r = queue.shift()!;
        ids.add(r.id);
        batch.push(r);
      }
      try {
        const values = await this.loadMany(key, [...ids]);
        for (const r of batch) r.resolve(values.get(r.id));
      } catch (err) {
        for (const r of batch) r.reject(err);
      }
    }
    this.#keys.delete(key);
  }
}
