import { z } from 'zod';
import { adjustPValues, analyze, cupedAdjust, sampleRatioMismatch, StatsInputError } from '@overture/stats';

/**
 * `pnpm overture stats < input.json`: the statistics engine over JSON on stdin, for scripts and reviewers.
 * Needs no configuration and touches no store, so it is dispatched before the config is read.
 */

const MAX_INPUT_BYTES = 1 << 20;
const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const variantSchema = z.strictObject({
  name: z.string().min(1).max(200),
  n: z.number().int().min(2).max(1e12),
  sum: finite,
  sum_squares: finite.optional(),
  // Pre-exposure covariate for CUPED: all three or none.
  pre_sum: finite.optional(),
  pre_sum_squares: finite.optional(),
  sum_product: finite.optional(),
});

const analysisSchema = z.strictObject({
  metric: z.enum(['binomial', 'mean']),
  engine: z.enum(['bayesian', 'frequentist', 'sequential']).default('bayesian'),
  difference: z.enum(['relative', 'absolute']).default('relative'),
  variants: z.array(variantSchema).min(2).max(50),
  prior: z.strictObject({ mean: finite, variance: z.number().positive().max(1e12), proper: z.boolean().default(true) }).optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  sequential_tuning: z.number().positive().max(1e12).optional(),
});

const srmSchema = z.strictObject({
  srm: z.strictObject({ counts: z.array(z.number().int().min(0)).min(2).max(50), weights: z.array(z.number().positive()).min(2).max(50) }),
});

const adjustSchema = z.strictObject({
  adjust: z.strictObject({ method: z.enum(['holm', 'bh']), p_values: z.array(z.number().min(0).max(1)).max(100_000) }),
});

class InputError extends Error {}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
  throw new InputError(`${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}${keys}`);
}

function analysis(input: unknown): unknown {
  const a = parse(analysisSchema, input);
  const covariate = a.variants.map((v) => [v.pre_sum, v.pre_sum_squares, v.sum_product].filter((x) => x !== undefined).length);
  a.variants.forEach((v, i) => {
    if (a.metric === 'mean' && v.sum_squares === undefined) throw new InputError(`variants.${i}.sum_squares: required for a mean metric`);
    if (covariate[i] !== 0 && covariate[i] !== 3) throw new InputError(`variants.${i}.pre_sum: CUPED needs pre_sum, pre_sum_squares and sum_product together`);
  });
  if (new Set(covariate).size > 1) throw new InputError('variants.0.pre_sum: CUPED needs the covariate on every variant or on none');
  const variants = a.variants.map((v) => ({ name: v.name, n: v.n, sum: v.sum, sumSquares: v.sum_squares ?? v.sum }));
  const moments =
    covariate[0] === 3
      ? cupedAdjust(a.variants.map((v, i) => ({ ...variants[i]!, preSum: v.pre_sum!, preSumSquares: v.pre_sum_squares!, sumProduct: v.sum_product! }))).moments
      : undefined;
  const results = analyze({
    metric: a.metric,
    engine: a.engine,
    difference: a.difference,
    variants,
    prior: a.prior,
    alpha: a.alpha,
    sequentialTuning: a.sequential_tuning,
    moments,
  });
  return { variants: results };
}

/** Reads at most 1 MB; more is refused before it is parsed. */
async function readBounded(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_INPUT_BYTES) throw new InputError('input: larger than 1 MB');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Computes the JSON answer for one JSON input; throws InputError or StatsInputError naming the field. */
export function statsAnswer(text: string): unknown {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    throw new InputError('input: not valid JSON');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InputError('input: must be a JSON object');
  if ('srm' in input) {
    const { srm } = parse(srmSchema, input);
    const r = sampleRatioMismatch(srm.counts, srm.weights);
    return { srm_p: r.pValue, srm_flagged: r.flagged };
  }
  if ('adjust' in input) {
    const { adjust } = parse(adjustSchema, input);
    return { adjusted: adjustPValues(adjust.method, adjust.p_values) };
  }
  return analysis(input);
}

/** Exit code 0 with the answer on stdout, 2 with the offending field on stderr, 1 on anything unexpected. */
export async function statsCommand(stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  try {
    console.log(JSON.stringify(statsAnswer(await readBounded(stdin))));
    return 0;
  } catch (err) {
    if (err instanceof InputError || err instanceof StatsInputError) {
      console.error(err.message);
      return 2;
    }
    console.error(`Error: ${(err as Error).message}`);
    return 1;
  }
}
