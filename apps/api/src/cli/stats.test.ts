import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundledCli } from '../testing/cli';
import { statsAnswer } from './stats';

const apiRoot = join(import.meta.dirname, '../..');
let cli = '';
beforeAll(async () => {
  cli = await bundledCli();
});

/**
 * Spawns `overture stats` with an environment that would break any store or config access: a data dir
 * that cannot exist, unreachable server URLs and an invalid setting. The command must not notice.
 */
function stats(input: unknown) {
  const r = spawnSync(process.execPath, [cli, 'stats'], {
    cwd: apiRoot,
    env: {
      PATH: process.env.PATH,
      OVERTURE_DATA_DIR: '/proc/overture-stats-must-not-touch',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: 'not-a-port',
    },
    input: typeof input === 'string' ? input : JSON.stringify(input),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(r: { code: number | null; stdout: string; stderr: string }) {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

// R's sleep data as sufficient statistics: group 1 (n 10, Σ 7.5, Σx² 34.43), group 2 (n 10, Σ 23.3, Σx² 90.37).
// `t.test(extra ~ group, data = sleep)`: p-value = 0.07939, 95 % CI of group 1 − group 2: [-3.3654832, 0.2054832].
const sleep = [
  { name: 'control', n: 10, sum: 7.5, sum_squares: 34.43 },
  { name: 'treatment', n: 10, sum: 23.3, sum_squares: 90.37 },
];

describe('pnpm overture stats', () => {
  it("frequentist: Welch's test on the absolute difference matches R's t.test", () => {
    const out = json(stats({ metric: 'mean', engine: 'frequentist', difference: 'absolute', variants: sleep }));
    const [v] = out.variants as Array<{ name: string; expected: number; ci: [number, number]; p_value: number }>;
    expect(v!.name).toBe('treatment');
    expect(v!.expected).toBeCloseTo(1.58, 10);
    expect(v!.p_value).toBeCloseTo(0.07939, 5);
    expect(v!.ci[0]).toBeCloseTo(-0.2054832, 6);
    expect(v!.ci[1]).toBeCloseTo(3.3654832, 6);
  });

  it('bayesian (the default engine) on a binomial relative difference: chance to win, risk and a credible interval', () => {
    const out = json(
      stats({
        metric: 'binomial',
        variants: [
          { name: 'A', n: 10000, sum: 1000 },
          { name: 'B', n: 10000, sum: 1100 },
          { name: 'C', n: 10000, sum: 1000 },
        ],
      }),
    );
    const [b, c] = out.variants as Array<{ name: string; expected: number; ci: [number, number]; chance_to_win: number; risk: number }>;
    expect(b!.expected).toBeCloseTo(0.1, 12);
    // Delta method: var = 0.11·0.89/(10⁴·0.01) + 0.11²·0.09/(10⁴·10⁻⁴)
    const se = Math.sqrt((0.11 * 0.89) / 100 + (0.0121 * 0.09) / 1);
    expect(b!.ci[1] - b!.expected).toBeCloseTo(1.959963984540054 * se, 10);
    expect(b!.chance_to_win).toBeGreaterThan(0.98);
    expect(b!.risk).toBeLessThan(0.001);
    expect(c!.chance_to_win).toBeCloseTo(0.5, 12);
  });

  it('sequential: a wider interval than the fixed test on the same data', () => {
    const fixed = json(stats({ metric: 'mean', engine: 'frequentist', difference: 'absolute', variants: sleep }));
    const seq = json(stats({ metric: 'mean', engine: 'sequential', difference: 'absolute', variants: sleep }));
    const f = (fixed.variants as Array<{ ci: number[] }>)[0]!.ci;
    const s = (seq.variants as Array<{ ci: number[]; p_value: number }>)[0]!;
    expect(s.ci[0]!).toBeLessThan(f[0]!);
    expect(s.ci[1]!).toBeGreaterThan(f[1]!);
    expect(s.p_value).toBeGreaterThan(0.07939);
  });

  it('SRM: chi-square p-value of counts against weights, flagged below 0.001', () => {
    const ok = json(stats({ srm: { counts: [5050, 4950], weights: [0.5, 0.5] } }));
    expect(ok.srm_p).toBeCloseTo(0.3173105078629141, 10);
    expect(ok.srm_flagged).toBe(false);
    const broken = json(stats({ srm: { counts: [5200, 4800], weights: [1, 1] } }));
    expect(broken.srm_p).toBeCloseTo(6.334248366623996e-5, 14);
    expect(broken.srm_flagged).toBe(true);
  });

  it('adjust: Holm and Benjamini–Hochberg in input order', () => {
    const p_values = [0.01, 0.04, 0.03, 0.005];
    const h = json(stats({ adjust: { method: 'holm', p_values } })).adjusted as number[];
    h.forEach((q, i) => expect(q).toBeCloseTo([0.03, 0.06, 0.06, 0.02][i]!, 12));
    const bh = json(stats({ adjust: { method: 'bh', p_values } })).adjusted as number[];
    bh.forEach((q, i) => expect(q).toBeCloseTo([0.02, 0.04, 0.04, 0.02][i]!, 12));
  });

  it('bad input exits 2 and names the field', () => {
    for (const [input, message] of [
      ['{not json', /^input: not valid JSON/],
      [{ metric: 'binomial', variants: [{ name: 'A', n: 100, sum: 5 }, { name: 'B', n: 1.5, sum: 5 }] }, /^variants\.1\.n: /],
      [{ adjust: { method: 'holm', p_values: [0.1, 2] } }, /^adjust\.p_values\.1: /],
    ] as const) {
      const r = stats(input);
      expect(r.code, `${JSON.stringify(input)} → ${r.stdout}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  // The same parser in-process (a spawn per case would cost seconds each): every message starts with the field.
  it('names the field of every kind of bad input', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[1, 2], /^input: must be a JSON object/],
      [{ metric: 'binomial', variants: [{ name: 'A', n: 100, sum: 5 }] }, /^variants: /],
      [{ metric: 'binomial', variants: [{ name: 'A', n: 100, sum: 5 }, { name: 'B', n: 100, sum: 101 }] }, /^variants\.1\.sum: /],
      [{ metric: 'mean', variants: [{ name: 'A', n: 100, sum: 5 }, { name: 'B', n: 100, sum: 5 }] }, /^variants\.0\.sum_squares: /],
      [{ metric: 'mean', variants: [{ name: 'A', n: 10, sum: 10, sum_squares: 1 }, sleep[1]] }, /^variants\.0\.sum_squares: /],
      [{ metric: 'binomial', variants: [{ name: 'A', n: 100, sum: 0 }, { name: 'B', n: 100, sum: 5 }] }, /^variants\.0\.sum: .*relative/],
      [{ metric: 'mean', variants: [{ ...sleep[0], pre_sum: 1 }, sleep[1]] }, /^variants\.0\.pre_sum: /],
      [{ metric: 'ratio', variants: sleep }, /^metric: /],
      [{ metric: 'mean', engine: 'bayesian', variants: sleep, alpha: 1.5 }, /^alpha: /],
      [{ metric: 'mean', variants: sleep, prior: { mean: 0, variance: -1 } }, /^prior\.variance: /],
      [{ metric: 'mean', variants: sleep, extra: 1 }, /extra/],
      [{ srm: { counts: [10, 10], weights: [1] } }, /^srm\.weights/],
      [{ srm: { counts: [10, -1], weights: [1, 1] } }, /^srm\.counts\.1: /],
      [{ adjust: { method: 'bonferroni', p_values: [0.1] } }, /^adjust\.method: /],
    ];
    for (const [input, message] of cases) expect(() => statsAnswer(JSON.stringify(input)), JSON.stringify(input)).toThrow(message);
  });

  it('applies CUPED when every variant carries the pre-exposure covariate', () => {
    // y = x + treatment effect 1 exactly, so CUPED removes all noise: the interval collapses onto 1.
    const variant = (name: string, lift: number) => {
      const xs = [1, 2, 3, 4, 5, 6];
      const ys = xs.map((x) => x + lift);
      const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
      return { name, n: 6, sum: sum(ys), sum_squares: sum(ys.map((y) => y * y)), pre_sum: sum(xs), pre_sum_squares: sum(xs.map((x) => x * x)), sum_product: sum(xs.map((x, i) => x * ys[i]!)) };
    };
    const out = statsAnswer(JSON.stringify({ metric: 'mean', engine: 'frequentist', difference: 'absolute', variants: [variant('A', 0), variant('B', 1)] })) as {
      variants: Array<{ expected: number; ci: number[] }>;
    };
    expect(out.variants[0]!.expected).toBeCloseTo(1, 12);
    expect(out.variants[0]!.ci[1]! - out.variants[0]!.ci[0]!).toBeLessThan(1e-6);
  });

  it('refuses input over 1 MB before parsing it', () => {
    const r = stats(' '.repeat(1.5 * 1024 * 1024));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/input: larger than 1 MB/);
  });
});
