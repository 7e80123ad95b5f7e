/**
 * Fitting the customer-value models of one workspace and the CLTV they give. Pure: customers in,
 * parameters and predictions out; the features recompute reads the summaries and stores the result.
 */
import { bgnbdLogLikelihoodAt, expectedPurchases, probabilityAlive, type BgNbdParams, type Recency } from './bgnbd';
import { expectedSpend, gammaGammaLogLikelihoodAt, type GammaGammaParams } from './gamma-gamma';
import { nelderMead } from './nelder-mead';

/** One customer: x repeat orders, t_x and T in days, and their mean (net) order value. */
export interface CustomerSummary extends Recency {
  meanSpend: number;
}

/** CLTV counts the next 12 months of purchases, each month discounted at 10 % a year. */
export const cltvHorizonMonths = 12;
export const cltvAnnualDiscount = 0.1;
export const daysPerMonth = 365.25 / 12;

export interface ClvModel {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
  /** Customers the BG/NBD was fitted on, and the repeat customers the Gamma–Gamma was fitted on. */
  customers: number;
  repeatCustomers: number;
  horizonMonths: number;
  annualDiscount: number;
}

/** Below these counts a per-workspace fit is noise; the recompute then leaves churn risk and CLTV empty. */
export const minCustomers = 20;
export const minRepeatCustomers = 10;

/**
 * Log-parameters stay within e^±12: on data the model does not describe (no dropout at all, say) the
 * likelihood keeps rising as a and b grow together, and the optimiser would otherwise walk on forever.
 */
const inBox = (v: number[]) => v.every((p) => Math.abs(p) <= 12);
const searchBudget = { maxIterations: 800 };

/** Maximum-likelihood BG/NBD parameters, by Nelder–Mead on their logarithms. */
export function fitBgNbd(customers: Recency[]): BgNbdParams {
  const meanT = customers.reduce((s, c) => s + c.T, 0) / Math.max(1, customers.length);
  const toParams = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  const negLL = (v: number[]) => {
    if (!inBox(v)) return Number.POSITIVE_INFINITY;
    const ll = bgnbdLogLikelihoodAt(toParams(v));
    let sum = 0;
    for (const c of customers) sum += ll(c);
    return -sum;
  };
  return toParams(minimiseWithRestarts(negLL, [0, Math.log(Math.max(1, meanT)), 0, 0]));
}

/** Nelder–Mead restarted from the found point: guards against the simplex collapsing early (a known weakness). */
function minimiseWithRestarts(f: (v: number[]) => number, start: number[]): number[] {
  let best = nelderMead(f, start, { step: 1, ...searchBudget });
  for (let i = 0; i < 2; i++) {
    const again = nelderMead(f, best.x, { step: 0.25, ...searchBudget });
    const improved = best.value - again.value > 1e-7 * Math.abs(best.value);
    best = again.value < best.value ? again : best;
    if (!improved) break;
  }
  return best.x;
}

/** Maximum-likelihood Gamma–Gamma parameters on repeat customers (x = orders ≥ 2, positive mean). q > 1 by construction. */
export function fitGammaGamma(spends: Array<{ x: number; mean: number }>): GammaGammaParams {
  const usable = spends.filter((s) => s.x >= 2 && s.mean > 0);
  const meanSpend = usable.reduce((s, c) => s + c.mean, 0) / Math.max(1, usable.length);
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]!), q: 1 + Math.exp(v[1]!), gamma: Math.exp(v[2]!) });
  const negLL = (v: number[]) => {
    if (!inBox(v)) return Number.POSITIVE_INFINITY;
    const ll = gammaGammaLogLikelihoodAt(toParams(v));
    let sum = 0;
    for (const s of usable) sum += ll(s);
    return -sum;
  };
  return toParams(minimiseWithRestarts(negLL, [0, 0, Math.log(Math.max(1e-6, meanSpend))]));
}

/** Both models of one workspace, or null when there are too few customers to fit them. */
export function fitClvModel(customers: CustomerSummary[]): ClvModel | null {
  const repeat = customers.filter((c) => c.x >= 1 && c.meanSpend > 0);
  if (customers.length < minCustomers || repeat.length < minRepeatCustomers) return null;
  return {
    bgnbd: fitBgNbd(customers),
    gammaGamma: fitGammaGamma(repeat.map((c) => ({ x: c.x + 1, mean: c.meanSpend }))),
    customers: customers.length,
    repeatCustomers: repeat.length,
    horizonMonths: cltvHorizonMonths,
    annualDiscount: cltvAnnualDiscount,
  };
}

/** Churn risk: 1 − P(alive). */
export const churnRisk = (m: ClvModel, c: Recency) => 1 - probabilityAlive(m.bgnbd, c);

/**
 * CLTV: for each month of the horizon, the purchases expected in that month times the expected order
 * value, discounted to today. Customers without a positive mean spend are valued at the population mean.
 */
export function cltv(m: ClvModel, c: CustomerSummary): number {
  const g = m.gammaGamma;
  const spend = c.meanSpend > 0 ? expectedSpend(g, { x: c.x + 1, mean: c.meanSpend }) : (g.p * g.gamma) / (g.q - 1);
  const monthlyDiscount = Math.pow(1 + m.annualDiscount, 1 / 12);
  let total = 0;
  let before = 0;
  for (let month = 1; month <= m.horizonMonths; month++) {
    const upTo = expectedPurchases(m.bgnbd, c, month * daysPerMonth);
    total += ((upTo - before) * spend) / Math.pow(monthlyDiscount, month);
    before = upTo;
  }
  return total;
}
