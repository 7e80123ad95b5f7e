// The journey settings form: what the API stores ↔ what the inputs hold, and the API's validation
// messages placed on the fields they name. The server's schema is the judge; the form only converts.

import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@overture/api';
import { channelNames, type ChannelName } from '@overture/journeys/definition';

export type JourneySettings = inferRouterOutputs<AppRouter>['journeys']['settings'];

export const channelLabels: Record<ChannelName | 'all', string> = { email: 'Email', web_push: 'Web push', onsite: 'Onsite', all: 'All channels' };

export interface CapRow {
  channel: ChannelName | 'all';
  max: string;
  periodHours: string;
}

export interface SettingsForm {
  quietOn: boolean;
  quietStart: number;
  quietEnd: number;
  bestHour: number;
  defaultTimezone: string;
  globalControlPercent: string;
  /** Every channel, in order, with whether automatic choices may use it. */
  channels: Array<{ channel: ChannelName; on: boolean }>;
  caps: CapRow[];
  /** One host per line. */
  webhookHosts: string;
}

export function formOf(s: JourneySettings): SettingsForm {
  const unused = channelNames.filter((c) => !s.channelOrder.includes(c));
  return {
    quietOn: s.quietHours !== null,
    // Switching quiet hours back on offers the engine's default window.
    quietStart: s.quietHours?.start ?? 21,
    quietEnd: s.quietHours?.end ?? 8,
    bestHour: s.bestHour,
    defaultTimezone: s.defaultTimezone,
    globalControlPercent: String(s.globalControlPercent),
    channels: [...s.channelOrder.map((channel) => ({ channel, on: true })), ...unused.map((channel) => ({ channel, on: false }))],
    caps: s.caps.map((c) => ({ channel: c.channel, max: String(c.max), periodHours: String(c.periodHours) })),
    webhookHosts: s.webhookHosts.join('\n'),
  };
}

/** Empty number inputs become `undefined`, so the schema (not the form) says what is missing. */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

export function settingsOf(f: SettingsForm) {
  return {
    quietHours: f.quietOn ? { start: f.quietStart, end: f.quietEnd } : null,
    bestHour: f.bestHour,
    defaultTimezone: f.defaultTimezone.trim(),
    globalControlPercent: num(f.globalControlPercent),
    channelOrder: f.channels.filter((c) => c.on).map((c) => c.channel),
    caps: f.caps.map((c) => ({ channel: c.channel, max: num(c.max), periodHours: num(c.periodHours) })),
    webhookHosts: f.webhookHosts
      .split('\n')
      .map((h) => h.trim())
      .filter(Boolean),
  };
}

export type SettingsField = 'quietHours' | 'bestHour' | 'defaultTimezone' | 'globalControlPercent' | 'channelOrder' | 'caps' | 'webhookHosts';
const fields: SettingsField[] = ['quietHours', 'bestHour', 'defaultTimezone', 'globalControlPercent', 'channelOrder', 'caps', 'webhookHosts'];

/** How a marketer finds the item an issue's path points at: the allow-list's line, the cap's row. */
function where(field: SettingsField, rest: string[]): string {
  const [index, ...more] = rest;
  const n = Number(index);
  if (index === undefined || !Number.isInteger(n)) return rest.length ? `${rest.join('.')}: ` : '';
  if (field === 'webhookHosts') return `line ${n + 1}: `;
  if (field === 'caps') return `row ${n + 1}${more.length ? `, ${more.join('.')}` : ''}: `;
  return `${rest.join('.')}: `;
}

export interface PlacedErrors {
  byField: Partial<Record<SettingsField, string[]>>;
  /** Issues naming no field of this form (shown above the Save button). */
  other: string[];
}

/**
 * The API's validation message, `path: message; path: message`, split onto the fields the paths name
 * (`webhookHosts.1: …` goes under the allow-list as `line 2: …`).
 */
export function placeErrors(message: string): PlacedErrors {
  const byField: PlacedErrors['byField'] = {};
  const other: string[] = [];
  for (const part of message.split('; ')) {
    const m = /^([A-Za-z0-9_.]+): (.*)$/s.exec(part);
    const [head, ...rest] = (m?.[1] ?? '').split('.');
    const field = fields.find((f) => f === head);
    if (!m || !field) {
      other.push(part);
      continue;
    }
    (byField[field] ??= []).push(`${where(field, rest)}${m[2]}`);
  }
  return { byField, other };
}

/** Whether this browser's time zone data knows the name (the engine uses the same Intl data). */
export function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;
