/**
 * Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Colombo & Jiang 1999): a customer's
 * order values are Gamma(p, ν) around their own mean, with ν ~ Gamma(q, γ) across customers. Fitted on
 * customers with at least two orders (x = their number of orders, m̄ = their mean order value).
 */
import { lgamma } from './special';

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

export interface Spend {
  x: number;
  mean: number;
}

/** The terms of ln f(m̄ | x) that depend on the parameters and x alone, around the one in ln m̄. */
function perOrders(g: GammaGammaParams, x: number): { head: number; tail: number } {
  const { p, q, gamma } = g;
  return { head: lgamma(p * x + q) - lgamma(p * x) - lgamma(q) + q * Math.log(gamma), tail: p * x * Math.log(x) };
}

function withTerms(g: GammaGammaParams, terms: { head: number; tail: number }, s: Spend): number {
  const { p, q, gamma } = g;
  const { x, mean } = s;
  return terms.head + (p * x - 1) * Math.log(mean) + terms.tail - (p * x + q) * Math.log(gamma + x * mean);
}

/** ln f(m̄ | x) of one customer's mean order value, the constant −ln Γ(x)-free part kept. */
export function gammaGammaLogLikelihood(g: GammaGammaParams, s: Spend): number {
  return withTerms(g, perOrders(g, s.x), s);
}

/** `gammaGammaLogLikelihood` at fixed parameters over many customers, its x-only terms once per distinct x (same values). */
export function gammaGammaLogLikelihoodAt(g: GammaGammaParams): (s: Spend) => number {
  const byOrders = new Map<number, { head: number; tail: number }>();
  return (s) => {
    let terms = byOrders.get(s.x);
    if (!terms) byOrders.set(s.x, (terms = perOrders(g, s.x)));
    return withTerms(g, terms, s);
  };
}

/**
 * E[M | x, m̄]: the customer's expected order value, the population mean γp/(q − 1) shrunk toward
 * their own mean as their orders grow. Needs q > 1 (a finite population mean).
 */
export function expectedSpend(g: GammaGammaParams, s: Spend): number {
  const { p, q, gamma } = g;
  return (p * (gamma + s.x * s.mean)) / (p * s.x + q - 1);
}
