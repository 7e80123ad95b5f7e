import { z } from 'zod';

// What an experiment is made of: its variants and the metrics it is judged on. Stored as JSON in
// PostgreSQL, validated here on every write so a readout can trust what it reads back.

const name = z.string().trim().min(1).max(100);
const eventName = z.string().min(1).max(200);
/** Up to 90 days after (and, for CUPED, before) the exposure. */
const windowHours = z.number().int().min(1).max(90 * 24);

export const variantSchema = z.object({ name, weight: z.number().positive().max(1_000_000) });
export type Variant = z.infer<typeof variantSchema>;

/** Only events whose property equals the value count (compared as text, so `"42"` matches 42). */
const propertyFilter = z.object({ property: z.string().min(1).max(100), equals: z.string().max(500) });

/** Outcomes of messages a guardrail watches: more of them in a variant is worse. */
export const guardrailOutcomes = ['unsubscribe', 'complaint', 'dismiss'] as const;
export type GuardrailOutcome = (typeof guardrailOutcomes)[number];

export const metricSchema = z.discriminatedUnion('kind', [
  /** Share of exposed profiles who did the event within the window after their exposure. */
  z.object({ kind: z.literal('conversion'), name, event: eventName, filter: propertyFilter.optional(), windowHours }),
  /** `Order Completed` revenue per exposed profile within the window. */
  z.object({ kind: z.literal('revenue'), name, windowHours }),
  /** Times each exposed profile did the event within the window (e.g. orders). */
  z.object({ kind: z.literal('count'), name, event: eventName, filter: propertyFilter.optional(), windowHours }),
  /** Share of exposed profiles with a message outcome (unsubscribe, spam complaint, onsite dismissal): warns when a variant raises it. */
  z.object({ kind: z.literal('guardrail'), name, outcome: z.enum(guardrailOutcomes), windowHours }),
]);
export type Metric = z.infer<typeof metricSchema>;

export const revenueEvent = 'Order Completed';

export const experimentKinds = ['journey_split', 'message', 'onsite', 'holdout'] as const;

export const experimentInputSchema = z
  .object({
    key: z.string().trim().min(1).max(200).regex(/^[\w:.-]+$/, 'letters, digits and _ : . - only'),
    name,
    kind: z.enum(experimentKinds),
    sourceRef: z.string().max(200).default(''),
    /** The first variant is the control. */
    variants: z.array(variantSchema).min(2).max(10),
    /** The first metric is the goal; the rest are secondary metrics and guardrails. */
    metrics: z.array(metricSchema).min(1).max(10),
    engine: z.enum(['bayesian', 'frequentist']).default('bayesian'),
    sequential: z.boolean().default(false),
  })
  .superRefine((e, ctx) => {
    const names = new Set<string>();
    e.variants.forEach((v, i) => {
      if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `variant "${v.name}" appears twice` });
      names.add(v.name);
    });
  });
export type ExperimentInput = z.input<typeof experimentInputSchema>;

/** The metrics a journey split is judged on unless the marketer changes them: its goal, revenue, and the message guardrails. */
export function defaultMetrics(goal: { event: string; windowHours: number } | null): Metric[] {
  const windowHours = goal?.windowHours ?? 7 * 24;
  return [
    ...(goal ? [{ kind: 'conversion' as const, name: `Converted: ${goal.event}`, event: goal.event, windowHours }] : []),
    { kind: 'revenue', name: 'Revenue per profile', windowHours },
    { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours },
    { kind: 'guardrail', name: 'Spam complaints', outcome: 'complaint', windowHours },
  ];
}
