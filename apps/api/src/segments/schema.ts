import { z } from 'zod';
import { rfmSegments } from '../profiles/features-sql';

/** Feature fields a condition may read, with their kind; nothing outside this list reaches SQL. */
export const numericFeatures = [
  'event_count', 'sessions', 'session_seconds', 'avg_session_seconds', 'days_since_last_visit', 'page_views', 'pages_per_session',
  'engaged_seconds', 'avg_scroll_depth', 'rage_clicks', 'form_abandons', 'engagement_score', 'orders', 'revenue', 'refunds',
  'net_revenue', 'avg_order_value', 'days_since_last_order', 'push_subscriptions', 'churn_risk', 'cltv',
] as const;
export const stringFeatures = ['first_source', 'first_medium', 'first_campaign', 'last_source', 'last_medium', 'last_campaign', 'referrer_class', 'email'] as const;
export const dateFeatures = ['first_seen', 'last_seen', 'first_order_at', 'last_order_at', 'last_onsite_at'] as const;
export const listFeatures = ['products_bought', 'categories_bought'] as const;

const numberOp = z.enum(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);
const stringOp = z.enum(['eq', 'neq', 'contains', 'not_contains']);
const scalar = z.union([z.string().max(1000), z.number().finite(), z.boolean()]);
/** A point in time: an ISO date(-time) or a number of days before now. */
const when = z.union([z.object({ at: z.iso.datetime({ offset: true }).or(z.iso.date()) }), z.object({ daysAgo: z.number().int().min(0).max(36500) })]);

/** Every comparison but (not_)exists needs a value; say so here rather than fail in the compiler. */
const needsValue = (c: { op: string; value?: unknown }) => c.op === 'exists' || c.op === 'not_exists' || c.value !== undefined;
const valueRequired = { message: 'a value is required for this operator', path: ['value'] };

const propertyFilter = z
  .object({
    property: z.string().min(1).max(255),
    op: z.enum(['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists']),
    value: scalar.optional(),
  })
  .refine(needsValue, valueRequired);

const leaf = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('trait'),
      trait: z.string().min(1).max(255),
      op: z.enum(['eq', 'neq', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists']),
      value: scalar.optional(),
    })
    .refine(needsValue, valueRequired),
  z.object({ type: z.literal('feature'), feature: z.enum(numericFeatures), op: numberOp, value: z.number().finite() }),
  z.object({ type: z.literal('feature_text'), feature: z.enum(stringFeatures), op: stringOp, value: z.string().max(1000) }),
  z.object({ type: z.literal('feature_date'), feature: z.enum(dateFeatures), op: z.enum(['before', 'after']), value: when }),
  z.object({ type: z.literal('feature_list'), feature: z.enum(listFeatures), op: z.enum(['has', 'not_has']), value: z.string().max(1000) }),
  z.object({
    type: z.literal('event'),
    event: z.string().min(1).max(255),
    where: z.array(propertyFilter).max(10).default([]),
    /** How many times; `{ op: 'eq', value: 0 }` (or lte/lt that includes 0) means "never". Default: at least once. */
    count: z.object({ op: numberOp, value: z.number().int().min(0) }).default({ op: 'gte', value: 1 }),
    within: z.object({ days: z.number().int().min(1).max(36500) }).optional(),
    between: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).optional(),
  }),
  z.object({ type: z.literal('last_performed'), event: z.string().min(1).max(255), op: z.enum(['before', 'after']), value: when }),
  z.object({ type: z.literal('rfm_segment'), segments: z.array(z.enum(rfmSegments)).min(1) }),
  z.object({ type: z.literal('rfm_score'), score: z.enum(['r', 'f', 'm']), op: numberOp, value: z.number().int().min(0).max(5) }),
  z.object({ type: z.literal('segment'), segmentId: z.string().min(1).max(100), member: z.boolean().default(true) }),
  z.object({ type: z.literal('reachable'), channel: z.enum(['email', 'web_push', 'onsite']) }),
  z.object({ type: z.literal('consent'), channel: z.enum(['email', 'web_push']), granted: z.boolean().default(true) }),
  /** A stable pseudo-random bucket 0–99 per profile (and salt): holdouts and splits. */
  z.object({ type: z.literal('random_bucket'), salt: z.string().max(100).default(''), from: z.number().int().min(0).max(99), to: z.number().int().min(0).max(99) }),
]);

export type Leaf = z.infer<typeof leaf>;
export type Condition = Leaf | { type: 'and' | 'or'; conditions: Condition[] } | { type: 'not'; condition: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ type: z.enum(['and', 'or']), conditions: z.array(conditionSchema).min(1).max(50) }),
    z.object({ type: z.literal('not'), condition: conditionSchema }),
    leaf,
  ]),
) as z.ZodType<Condition>;

export const segmentInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  definition: conditionSchema,
});
export type SegmentInput = z.infer<typeof segmentInput>;
/** What a caller writes (defaults not yet applied). */
export type SegmentDraft = z.input<typeof segmentInput>;

/** Segment ids a definition refers to (for cycle checks and refresh order). */
export function referencedSegments(c: Condition): string[] {
  if (c.type === 'and' || c.type === 'or') return c.conditions.flatMap(referencedSegments);
  if (c.type === 'not') return referencedSegments(c.condition);
  return c.type === 'segment' ? [c.segmentId] : [];
}

/**
 * Whether members can enter or leave with the passage of time alone, their data unchanged: a window
 * that ends at the as-of ("in the last N days", "N days ago", seen onsite lately), or a reference to a
 * segment for which `moves` says so.
 */
export function movesWithTime(c: Condition, moves: (segmentId: string) => boolean): boolean {
  switch (c.type) {
    case 'and':
    case 'or':
      return c.conditions.some((x) => movesWithTime(x, moves));
    case 'not':
      return movesWithTime(c.condition, moves);
    case 'event':
      return c.within !== undefined;
    case 'last_performed':
    case 'feature_date':
      return 'daysAgo' in c.value;
    case 'reachable':
      return c.channel === 'onsite';
    case 'segment':
      return moves(c.segmentId);
    default:
      return false;
  }
}
