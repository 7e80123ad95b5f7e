/**
 * A bounded memory of recently stored message ids. It keeps retried batches from
 * being written again; correctness does not rest on it (reads collapse duplicates),
 * it only saves storage and work.
 */
export class RecentIds {
  #current = new Set<string>();
  #previous = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.#current.has(key) || this.#previous.has(key);
  }

  add(key: string): void {
    this.#current.add(key);
    // Two generations give LRU-like eviction at the cost of one Set swap.
    if (this.#current.size >= this.capacity / 2) {
      this.#previous = this.#current;
      this.#current = new Set();
    }
  }
}
