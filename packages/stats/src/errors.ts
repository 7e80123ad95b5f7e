/** Input the statistics cannot use; `field` names the offending input (e.g. `variants.1.n`) so callers can answer with a 4xx. */
export class StatsInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StatsInputError';
  }
}
