import type { JourneyDefinition } from './definition';
import { matchesAll } from './filters';
import { zonedParts } from './time';

export interface TriggerEvent {
  event: string;
  properties: Record<string, unknown>;
}

/** Whether an event starts this journey (segment transitions arrive as `$segment_entered` / `$segment_exited`). */
export function eventStartsJourney(def: JourneyDefinition, e: TriggerEvent): boolean {
  const t = def.trigger;
  if (t.type === 'event') return e.event === t.event && matchesAll(e.properties, t.filters);
  if (t.type === 'segment') return e.event === `$segment_${t.on}` && e.properties.segment_id === t.segmentId;
  return false;
}

export function eventIsGoal(def: JourneyDefinition, e: TriggerEvent): boolean {
  return !!def.goal && e.event === def.goal.event && matchesAll(e.properties, def.goal.filters);
}

export function goalRevenue(def: JourneyDefinition, properties: Record<string, unknown>): number {
  const raw = def.goal ? properties[def.goal.revenueProperty] : undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isFinite(n) ? n : 0;
}

/** Parses a date trait (ISO date, ISO timestamp or epoch ms) into its calendar date. */
export function calendarDate(value: unknown): { year: number; month: number; day: number } | null {
  if (value === null || value === undefined || value === '') return null;
  const s = String(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s);
  if (m) return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const d = new Date(typeof value === 'number' ? value : s);
  if (Number.isNaN(d.getTime())) return null;
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * A date-property trigger fires on the local calendar day `offsetDays` from the date (every year for
 * a yearly date such as a birthday). Returns the occurrence key when today is that day, else null:
 * the key lets the entry rule admit a profile once per occurrence.
 */
export function dateTriggerOccurrence(def: JourneyDefinition, traits: Record<string, unknown>, now: number, timeZone: string): string | null {
  const t = def.trigger;
  if (t.type !== 'date_property') return null;
  const date = calendarDate(traits[t.property]);
  if (!date) return null;
  const today = zonedParts(now, timeZone);
  const years = t.recurring === 'yearly' ? [today.year - 1, today.year, today.year + 1] : [date.year];
  for (const year of years) {
    const target = new Date(Date.UTC(year, date.month - 1, date.day + t.offsetDays));
    if (target.getUTCFullYear() === today.year && target.getUTCMonth() + 1 === today.month && target.getUTCDate() === today.day) {
      return `${year}`;
    }
  }
  return null;
}

/** A broadcast goes once, at its time. */
export function broadcastDue(def: JourneyDefinition, now: number): boolean {
  return def.trigger.type === 'broadcast' && Date.parse(def.trigger.at) <= now;
}

