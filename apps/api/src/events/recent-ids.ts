/**
 * A bounded memory of recently stored message ids. It keeps retried batches from
 * being written again; correctness does not rest on it (reads collapse duplicates),
 * it only saves storage and work.
 *
 * Ids live in generations of small Sets, the oldest dropped whole: a large Set grows by
 * rehashing every entry at once, which holds the event loop for tens of milliseconds. Generations
 * stay few, since an id not seen (almost every id) is looked for in each of them.
 */
export class RecentIds {
  #generations: Array<Set<string>> = [new Set()];
  readonly #generationSize: number;
  readonly #generationCount: number;

  constructor(capacity: number, generationSize = 16_384) {
    this.#generationSize = Math.max(1, Math.min(generationSize, capacity));
    this.#generationCount = Math.max(1, Math.ceil(capacity / this.#generationSize));
  }

  has(key: string): boolean {
    for (const generation of this.#generations) if (generation.has(key)) return true;
    return false;
  }

  add(key: string): void {
    let newest = this.#generations[0]!;
    if (newest.size >= this.#generationSize) {
      newest = new Set();
      this.#generations.unshift(newest);
      if (this.#generations.length > this.#generationCount) this.#generations.pop();
    }
    newest.add(key);
  }
}
