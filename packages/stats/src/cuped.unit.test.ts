import { describe, expect, it } from 'vitest';
import { cupedAdjust, type CupedStats } from './cuped';
import { seededRandom, normalDraw } from './random';

function sufficient(xs: number[], ys: number[]): CupedStats {
  let s = { n: xs.length, sum: 0, sumSquares: 0, preSum: 0, preSumSquares: 0, sumProduct: 0 };
  xs.forEach((x, i) => {
    const y = ys[i]!;
    s = { ...s, sum: s.sum + y, sumSquares: s.sumSquares + y * y, preSum: s.preSum + x, preSumSquares: s.preSumSquares + x * x, sumProduct: s.sumProduct + x * y };
  });
  return s;
}

/** Solves the 3×3 normal equations of y ~ 1 + treated + x by Gaussian elimination; returns the treated coefficient. */
function ancovaTreatmentCoefficient(rows: Array<[number, number, number]>): number {
  const xtx = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const xty = [0, 0, 0];
  for (const [t, x, y] of rows) {
    const r = [1, t, x];
    for (let i = 0; i < 3; i++) {
      xty[i]! += r[i]! * y;
      for (let j = 0; j < 3; j++) xtx[i]![j]! += r[i]! * r[j]!;
    }
  }
  const m = xtx.map((row, i) => [...row, xty[i]!]);
  for (let c = 0; c < 3; c++) {
    for (let r = c + 1; r < 3; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const beta = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = m[r]![3]!;
    for (let k = r + 1; k < 3; k++) s -= m[r]![k]! * beta[k]!;
    beta[r] = s / m[r]![r]!;
  }
  return beta[1]!;
}

describe('CUPED', () => {
  const random = seededRandom(7);
  const make = (n: number, lift: number) => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = 50 + 10 * normalDraw(random);
      xs.push(x);
      ys.push(5 + lift + 0.8 * x + 4 * normalDraw(random));
    }
    return { xs, ys };
  };
  const a = make(800, 0);
  const b = make(900, 1.5);

  it('the adjusted difference equals the treatment coefficient of the regression y ~ variant + x', () => {
    const { moments } = cupedAdjust([sufficient(a.xs, a.ys), sufficient(b.xs, b.ys)]);
    const rows: Array<[number, number, number]> = [...a.xs.map((x, i) => [0, x, a.ys[i]!] as [number, number, number]), ...b.xs.map((x, i) => [1, x, b.ys[i]!] as [number, number, number])];
    expect(moments[1]!.mean - moments[0]!.mean).toBeCloseTo(ancovaTreatmentCoefficient(rows), 8);
  });

  it('shrinks the variance by about 1 − ρ² (ρ ≈ 0.89 here, so to about a fifth)', () => {
    const { theta, moments } = cupedAdjust([sufficient(a.xs, a.ys), sufficient(b.xs, b.ys)]);
    expect(theta).toBeGreaterThan(0.7);
    expect(theta).toBeLessThan(0.9);
    const raw = a.ys.reduce((s, y) => s + y * y, 0) / a.ys.length - (a.ys.reduce((s, y) => s + y, 0) / a.ys.length) ** 2;
    const ratio = moments[0]!.variance / raw;
    // Var(y) = 0.64·100 + 16 = 80, residual 16: the expected ratio is 0.2.
    expect(ratio).toBeGreaterThan(0.15);
    expect(ratio).toBeLessThan(0.25);
  });
});
