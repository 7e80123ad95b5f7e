/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"): while alive, a customer
 * buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).
 * A customer is summarised by x (repeat purchases), t_x (time of the last purchase since the first) and
 * T (time from the first purchase to the as-of instant), all in one time unit (days here).
 */
import { hyp2f1, lgamma } from './special';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export interface Recency {
  x: number;
  tx: number;
  T: number;
}

/** ln of the paper's A₄ term over A₃: the weight of "dropped out right after the last purchase". */
function lnDropoutOdds(p: BgNbdParams, c: Recency): number {
  return Math.log(p.a) - Math.log(p.b + c.x - 1) + (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
}

/** The terms of a customer's log-likelihood that depend on the parameters and x alone. */
interface PerPurchases {
  /** ln of the Γ ratios (the paper's A₁ · A₂ in logs). */
  gammas: number;
  /** ln a − ln(b + x − 1), the dropout term's head (x > 0). */
  dropout: number;
}

function perPurchases(p: BgNbdParams, x: number): PerPurchases {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  return { gammas: a1 + a2, dropout: Math.log(a) - Math.log(b + x - 1) };
}

function withTerms(p: BgNbdParams, terms: PerPurchases, c: Recency): number {
  const { r, alpha } = p;
  const { x, tx, T } = c;
  const a3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return terms.gammas + a3;
  const a4 = terms.dropout - (r + x) * Math.log(alpha + tx);
  const hi = Math.max(a3, a4);
  return terms.gammas + hi + Math.log(Math.exp(a3 - hi) + Math.exp(a4 - hi));
}

/** One customer's log-likelihood (the paper's equation 6, in logs for large x). */
export function bgnbdLogLikelihood(p: BgNbdParams, c: Recency): number {
  return withTerms(p, perPurchases(p, c.x), c);
}

/**
 * `bgnbdLogLikelihood` at fixed parameters over many customers: the terms that depend on x alone
 * (log Γ's, most of the cost) are computed once per distinct x, and give the same value as computed
 * per customer, so a fit's sums are unchanged to the last bit.
 */
export function bgnbdLogLikelihoodAt(p: BgNbdParams): (c: Recency) => number {
  const byPurchases = new Map<number, PerPurchases>();
  return (c) => {
    let terms = byPurchases.get(c.x);
    if (!terms) byPurchases.set(c.x, (terms = perPurchases(p, c.x)));
    return withTerms(p, terms, c);
  };
}

/** P(alive | x, t_x, T). One-time buyers (x = 0) are alive with certainty in this model. */
export function probabilityAlive(p: BgNbdParams, c: Recency): number {
  if (c.x === 0) return 1;
  return 1 / (1 + Math.exp(lnDropoutOdds(p, c)));
}

/** E[X(t)]: expected purchases in (0, t] of a customer just acquired (the paper's equation 9). */
export function expectedPurchasesNew(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t (the paper's equation 10). */
export function expectedPurchases(p: BgNbdParams, c: Recency, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const { x, T } = c;
  const z = t / (alpha + T + t);
  const head = ((a + b + x - 1) / (a - 1)) * (1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z));
  return x === 0 ? head : head / (1 + Math.exp(lnDropoutOdds(p, c)));
}
