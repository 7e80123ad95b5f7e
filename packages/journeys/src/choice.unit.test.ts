import { describe, expect, it } from 'vitest';
import { chooseSendTime, effectiveCaps, engagementRatios } from './choice';
import { hashUnit } from './hash';
import { calendarDate, dateTriggerOccurrence } from './triggers';
import { validateJourney, type JourneyDefinition } from './definition';

describe('right channel and right time (pure parts)', () => {
  it('trusts engagement ratios only with ≥ 3 messages across ≥ 2 channels', () => {
    expect(engagementRatios({ perChannel: { email: { received: 5, engaged: 1 } }, engagementTimes: [] })).toBeNull();
    expect(engagementRatios({ perChannel: { email: { received: 1, engaged: 1 }, web_push: { received: 1, engaged: 0 } }, engagementTimes: [] })).toBeNull();
    expect(engagementRatios({ perChannel: { email: { received: 2, engaged: 1 }, web_push: { received: 1, engaged: 1 } }, engagementTimes: [] })).toEqual({ email: 0.5, web_push: 1 });
  });

  it('picks the profile’s most engaged local hour within the window, else the workspace hour', () => {
    const now = Date.parse('2026-01-15T12:00:00Z'); // 21:00 in Tokyo
    const tokyo8am = (d: number) => Date.parse('2026-01-14T23:10:00Z') - d * 86_400_000;
    const samples = [0, 1, 2, 3, 4].map(tokyo8am);
    expect(chooseSendTime(now, 'Asia/Tokyo', samples, 24, 10)).toEqual({ at: Date.parse('2026-01-15T23:00:00Z'), hour: 8, rule: 'profile_histogram', samples: 5 });
    expect(chooseSendTime(now, 'Asia/Tokyo', samples.slice(0, 2), 24, 10)).toMatchObject({ at: Date.parse('2026-01-16T01:00:00Z'), hour: 10, rule: 'workspace_best_hour' });
    // The best hour is outside a 2-hour window: send now.
    expect(chooseSendTime(now, 'Asia/Tokyo', samples, 2, 10)).toMatchObject({ at: now });
  });

  it('lets a journey cap replace the workspace cap of the same channel', () => {
    const ws = [{ channel: 'email' as const, max: 3, periodHours: 168 }, { channel: 'web_push' as const, max: 1, periodHours: 24 }];
    expect(effectiveCaps(ws, [{ channel: 'email', max: 1, periodHours: 24 }])).toEqual([ws[1], { channel: 'email', max: 1, periodHours: 24 }]);
    expect(effectiveCaps(ws, undefined)).toBe(ws);
  });

  it('assigns holdout buckets deterministically and evenly', () => {
    expect(hashUnit('p1', 'j1')).toBe(hashUnit('p1', 'j1'));
    expect(hashUnit('p1', 'j1')).not.toBe(hashUnit('p1', 'j2'));
    const n = 20_000;
    let under = 0;
    for (let i = 0; i < n; i++) if (hashUnit(`p${i}`, 'j') < 0.1) under++;
    expect(under / n).toBeGreaterThan(0.09);
    expect(under / n).toBeLessThan(0.11);
  });
});

describe('date-property triggers', () => {
  const def = (offsetDays: number, recurring: 'yearly' | 'once') => {
    const r = validateJourney({ trigger: { type: 'date_property', property: 'd', offsetDays, recurring }, start: 'x', nodes: [{ id: 'x', type: 'exit' }] });
    if (!r.ok) throw new Error('invalid');
    return r.definition as JourneyDefinition;
  };
  it('parses dates', () => {
    expect(calendarDate('1990-02-03')).toEqual({ year: 1990, month: 2, day: 3 });
    expect(calendarDate(Date.parse('2026-01-02T10:00:00Z'))).toEqual({ year: 2026, month: 1, day: 2 });
    expect(calendarDate('nope')).toBeNull();
  });
  it('fires on the local day N days before or after, yearly or once', () => {
    const now = Date.parse('2026-01-15T12:00:00Z');
    expect(dateTriggerOccurrence(def(-5, 'yearly'), { d: '1990-01-20' }, now, 'UTC')).toBe('2026');
    expect(dateTriggerOccurrence(def(-5, 'yearly'), { d: '1990-01-21' }, now, 'UTC')).toBeNull();
    expect(dateTriggerOccurrence(def(30, 'once'), { d: '2025-12-16' }, now, 'UTC')).toBe('2025');
    expect(dateTriggerOccurrence(def(30, 'once'), { d: '2024-12-16' }, now, 'UTC')).toBeNull();
    // Across the new year: Dec 31 birthday, 20 days after.
    expect(dateTriggerOccurrence(def(15, 'yearly'), { d: '1980-12-31' }, now, 'UTC')).toBe('2025');
  });
});
