import { describe, expect, it } from 'vitest';
import { chiSquareCdf, chiSquareSurvival, normalCdf, normalQuantile, studentTCdf, studentTQuantile, studentTTwoSided } from './special';

// Reference values: printed normal, t and chi-square tables (to their printed digits) and R's
// qnorm/qt/qchisq; closed forms where the distribution has one (t with 1 or 2 df, chi-square with 2 df).

describe('normal distribution', () => {
  it('matches table values of the CDF and quantile', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316301, 14);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 12);
    expect(normalCdf(-8)).toBeCloseTo(6.22096057427178e-16, 26);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829303548901, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167814, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
  });

  it('quantile inverts the CDF across the range', () => {
    for (const p of [1e-12, 1e-6, 0.01, 0.2, 0.5, 0.7, 0.99, 1 - 1e-9]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
  });
});

describe("Student's t distribution", () => {
  it('matches t-table critical values', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062047361747, 9);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 10);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042272456301238, 10);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032142983557536, 9);
    expect(studentTQuantile(0.95, 20)).toBeCloseTo(1.724718242920787, 10);
    expect(studentTQuantile(0.025, 10)).toBeCloseTo(-2.228138851986274, 10);
  });

  it('matches the closed forms for 1 df (Cauchy) and 2 df', () => {
    for (const t of [-30, -2.5, -0.3, 0, 0.7, 4, 100]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('approaches the normal as df grows, and keeps the digits of tiny two-sided p-values', () => {
    expect(studentTCdf(1.96, 1e7)).toBeCloseTo(normalCdf(1.96), 7);
    // Cauchy: P(|T| > t) = 1 − 2·atan(t)/π = 2·atan(1/t)/π, which stays accurate for large t.
    expect(studentTTwoSided(1e6, 1) / ((2 * Math.atan(1e-6)) / Math.PI)).toBeCloseTo(1, 9);
  });
});

describe('chi-square distribution', () => {
  it('matches chi-square table critical values', () => {
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 13);
    expect(chiSquareSurvival(10.827566, 1)).toBeCloseTo(0.001, 8);
    expect(chiSquareSurvival(16.266236, 3)).toBeCloseTo(0.001, 8);
    expect(chiSquareCdf(18.30703805327515, 10)).toBeCloseTo(0.95, 12);
  });

  it('matches the closed form for 2 df and the normal for 1 df', () => {
    for (const x of [0.01, 1, 7, 40, 200]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 14);
    expect(chiSquareSurvival(1, 1)).toBeCloseTo(0.3173105078629141, 13); // P(|Z| > 1)
    expect(chiSquareSurvival(16, 1)).toBeCloseTo(6.334248366623996e-5, 17); // P(|Z| > 4)
  });
});
