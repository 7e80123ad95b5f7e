/**
 * Nelder–Mead simplex minimisation (standard coefficients: reflection 1, expansion 2, contraction ½,
 * shrink ½). Used on log-parameters, so every point it tries is a valid positive parameter vector.
 */
export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
}

export function nelderMead(f: (x: number[]) => number, start: number[], opts: { step?: number; maxIterations?: number; tolerance?: number } = {}): Minimum {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const maxIterations = opts.maxIterations ?? 2_000;
  const tolerance = opts.tolerance ?? 1e-9;
  // A non-finite value (overflow at an extreme point) counts as the worst possible, never as a minimum.
  const value = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: value(x) }));
  let iterations = 0;
  const along = (from: number[], to: number[], t: number) => from.map((v, i) => v + t * (to[i]! - v));
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.v - best.v) <= tolerance * (Math.abs(best.v) + tolerance)) break;
    const centroid = start.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i]!, 0) / n);
    const reflected = along(centroid, worst.x, -1);
    const vr = value(reflected);
    if (vr < best.v) {
      const expanded = along(centroid, worst.x, -2);
      const ve = value(expanded);
      simplex[n] = ve < vr ? { x: expanded, v: ve } : { x: reflected, v: vr };
    } else if (vr < simplex[n - 1]!.v) {
      simplex[n] = { x: reflected, v: vr };
    } else {
      const contracted = vr < worst.v ? along(centroid, reflected, 0.5) : along(centroid, worst.x, 0.5);
      const vc = value(contracted);
      if (vc < Math.min(vr, worst.v)) simplex[n] = { x: contracted, v: vc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: along(best.x, p.x, 0.5), v: value(along(best.x, p.x, 0.5)) }));
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, iterations };
}
