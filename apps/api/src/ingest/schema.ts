import { z } from 'zod';
import { shapeProblem } from './limits';

/** Segment's spec lets ids be numbers; they are stored as strings. */
const id = z.union([z.string().min(1).max(255), z.number().finite()]).transform(String);
const object = z.record(z.string(), z.unknown());

/**
 * Event times are accepted from 2000-01-01 to the end of 2099 (ISO 8601 text or epoch milliseconds);
 * anything else is a client bug or a probe, refused by name rather than stored, retried or clamped.
 */
export const earliestEventTime = Date.UTC(2000, 0, 1);
export const latestEventTime = Date.UTC(2100, 0, 1);
const timeRange = 'must be a time between 2000-01-01 and 2099-12-31';

export const time = z
  .union([z.iso.datetime({ offset: true, local: true }), z.iso.date(), z.date(), z.number()], { error: `${timeRange} (ISO 8601 text or epoch milliseconds)` })
  .refine((value) => {
    const ms = timeMillis(value);
    return ms !== undefined && ms >= earliestEventTime && ms < latestEventTime;
  }, timeRange);

/** Epoch milliseconds of a time as the schema accepts it (ISO text, a Date or a number). */
export function timeMillis(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isFinite(ms) ? ms : undefined;
}

export const eventTypes = ['track', 'page', 'screen', 'identify', 'alias', 'group'] as const;
export type EventType = (typeof eventTypes)[number];

const base = z.object({
  messageId: z.string().min(1).max(255).optional(),
  anonymousId: id.optional().nullable(),
  userId: id.optional().nullable(),
  timestamp: time.optional(),
  originalTimestamp: time.optional(),
  sentAt: time.optional(),
  context: object.optional(),
  integrations: object.optional(),
  properties: object.optional(),
  traits: object.optional(),
});

export const eventSchema = z.discriminatedUnion('type', [
  base.extend({ type: z.literal('track'), event: z.string().min(1).max(255) }),
  base.extend({ type: z.literal('page'), name: z.string().max(255).optional().nullable(), category: z.string().max(255).optional().nullable() }),
  base.extend({ type: z.literal('screen'), name: z.string().max(255).optional().nullable(), category: z.string().max(255).optional().nullable() }),
  base.extend({ type: z.literal('identify') }),
  base.extend({ type: z.literal('alias'), previousId: id }),
  base.extend({ type: z.literal('group'), groupId: id }),
]);

export type IncomingEvent = z.infer<typeof eventSchema>;

export interface FieldError {
  index: number;
  field: string;
  message: string;
}

function fieldErrors(index: number, prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    index,
    field: [prefix, ...i.path.map(String)].filter(Boolean).join('.'),
    message: i.message,
  }));
}

/** Validates one event; `prefix` is how the caller names where it sits, e.g. `batch[3]`. */
export function parseEvent(raw: unknown, index: number, prefix: string): { event: IncomingEvent } | { errors: FieldError[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { errors: [{ index, field: prefix || 'body', message: 'must be a JSON object' }] };
  }
  const typed = raw as Record<string, unknown>;
  if (!eventTypes.includes(typed.type as EventType)) {
    return {
      errors: [{ index, field: [prefix, 'type'].filter(Boolean).join('.'), message: `must be one of ${eventTypes.join(', ')}` }],
    };
  }
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) return { errors: fieldErrors(index, prefix, parsed.error) };
  const event = parsed.data;
  for (const field of ['properties', 'traits', 'context', 'integrations'] as const) {
    const problem = shapeProblem(event[field]);
    if (problem) return { errors: [{ index, field: [prefix, field].filter(Boolean).join('.'), message: problem }] };
  }
  if (!event.userId && !event.anonymousId) {
    return { errors: [{ index, field: [prefix, 'userId'].filter(Boolean).join('.'), message: 'userId or anonymousId is required' }] };
  }
  return { event };
}
