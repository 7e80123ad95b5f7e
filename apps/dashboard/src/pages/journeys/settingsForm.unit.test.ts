import { describe, expect, it } from 'vitest';
import { formOf, knownTimeZone, placeErrors, settingsOf, type JourneySettings } from './settingsForm';

const stored: JourneySettings = {
  channelOrder: ['web_push', 'email'],
  caps: [{ channel: 'all', max: 3, periodHours: 24 }],
  quietHours: { start: 22, end: 7 },
  bestHour: 9,
  defaultTimezone: 'Europe/Paris',
  globalControlPercent: 5,
  webhookHosts: ['api.shop.example', '*.hooks.example'],
};

describe('journey settings form', () => {
  it('round-trips stored settings, listing unused channels after the used ones', () => {
    const form = formOf(stored);
    expect(form.channels).toEqual([
      { channel: 'web_push', on: true },
      { channel: 'email', on: true },
      { channel: 'onsite', on: false },
    ]);
    expect(settingsOf(form)).toEqual(stored);
  });

  it('turns quiet hours off as null and keeps empty cap numbers missing for the schema to name', () => {
    const form = { ...formOf(stored), quietOn: false, caps: [{ channel: 'email' as const, max: '', periodHours: '12' }], webhookHosts: ' a.example \n\n b.example:8080 ' };
    const s = settingsOf(form);
    expect(s.quietHours).toBeNull();
    expect(s.caps).toEqual([{ channel: 'email', max: undefined, periodHours: 12 }]);
    expect(s.webhookHosts).toEqual(['a.example', 'b.example:8080']);
  });

  it('places the API message on the fields its paths name', () => {
    // The shape apps/api/src/trpc/routers/journeys.ts gives a zod error: `path: message` joined by "; ".
    const placed = placeErrors('webhookHosts.1: a host name, *.domain or host:port; caps.0.max: Too small: expected number to be >=0; quietHours.start: Too big; something else');
    expect(placed.byField).toEqual({
      webhookHosts: ['line 2: a host name, *.domain or host:port'],
      caps: ['row 1, max: Too small: expected number to be >=0'],
      quietHours: ['start: Too big'],
    });
    expect(placed.other).toEqual(['something else']);
  });

  it('knows real time zones only', () => {
    expect(knownTimeZone('Europe/Paris')).toBe(true);
    expect(knownTimeZone('Mars/Olympus')).toBe(false);
    expect(knownTimeZone('')).toBe(false);
  });
});
