/**
 * The special functions the customer-value models need: log Γ and the Gauss hypergeometric 2F1.
 * JavaScript has neither built in, and both are a few lines.
 */

// Lanczos approximation (g = 7, 9 coefficients): about 15 significant digits for positive arguments.
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lgamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let sum = lanczos[0]!;
  for (let i = 1; i < 9; i++) sum += lanczos[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * 2F1(a, b; c; z) for 0 ≤ z < 1 by its power series, after Euler's transformation
 * 2F1(a, b; c; z) = (1 − z)^(c − a − b) · 2F1(c − a, c − b; c; z). In BG/NBD a and b grow with a customer's
 * purchases while c − a and c − b do not, so the transformed series converges in a few terms where the
 * plain one would need hundreds. Throws instead of returning a truncated sum.
 */
export function hyp2f1(a: number, b: number, c: number, z: number, maxTerms = 10_000): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must lie in [0, 1), got ${z}`);
  const ea = c - a;
  const eb = c - b;
  let term = 1;
  let sum = 1;
  for (let k = 0; k < maxTerms; k++) {
    term *= ((ea + k) * (eb + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return Math.pow(1 - z, c - a - b) * sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${maxTerms} terms`);
}
