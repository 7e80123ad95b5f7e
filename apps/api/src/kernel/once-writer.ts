/**
 * Writes each key at most once per process, off the caller's path: `add` only appends (no await),
 * and what gathered is written in one batch on the next turn of the event loop while further items
 * gather for the batch after it. A batch that fails is forgotten, so the key's next `add` tries again.
 * The store is expected to keep one row per key anyway (across processes); the memory spares it most
 * repeats.
 */
export interface OnceWriterOptions<T> {
  keyOf(item: T): string;
  write(batch: T[]): Promise<void>;
  onError(err: Error, count: number): void;
  /** Keys remembered before the memory starts afresh. */
  maxRemembered?: number;
  maxBatch?: number;
}

export class OnceWriter<T> {
  #logged = new Set<string>();
  #pending: T[] = [];
  #flushing: Promise<void> | null = null;
  readonly #maxRemembered: number;
  readonly #maxBatch: number;

  constructor(private readonly options: OnceWriterOptions<T>) {
    this.#maxRemembered = options.maxRemembered ?? 200_000;
    this.#maxBatch = options.maxBatch ?? 5_000;
  }

  add(item: T): void {
    const key = this.options.keyOf(item);
    if (this.#logged.has(key)) return;
    if (this.#logged.size >= this.#maxRemembered) this.#logged.clear();
    this.#logged.add(key);
    this.#pending.push(item);
    this.#flushing ??= this.#flush();
  }

  /** Resolves once everything added so far is written (or its failure reported). */
  async drained(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      try {
        await this.options.write(batch);
      } catch (err) {
        for (const item of batch) this.#logged.delete(this.options.keyOf(item));
        this.options.onError(err as Error, batch.length);
      }
    }
    this.#flushing = null;
  }
}
