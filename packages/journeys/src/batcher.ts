/**
 * Merges calls made while the event loop is busy into one store round trip (group commit for
 * the per-step queries of many concurrent jobs). Each caller still gets its own result or error.
 */
export class Batcher<I, O> {
  private pending: Array<{ input: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly run: (inputs: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
  ) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending.splice(0, this.maxBatch);
    if (this.pending.length && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (!batch.length) return;
    this.run(batch.map((b) => b.input)).then(
      (outputs) => batch.forEach((b, i) => b.resolve(outputs[i] as O)),
      (err: unknown) => batch.forEach((b) => b.reject(err)),
    );
  }
}
