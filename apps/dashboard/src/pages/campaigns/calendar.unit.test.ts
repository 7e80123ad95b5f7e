import { describe, expect, it } from 'vitest';
import { byDay } from './calendar';

describe('campaign calendar', () => {
  it('puts what is still to come first, soonest first, and the sent ones after, newest first, by day', () => {
    const now = Date.parse('2026-06-10T12:00:00');
    const at = (s: string) => ({ at: new Date(s).toISOString(), name: s });
    const { upcoming, past } = byDay([at('2026-06-12T09:00:00'), at('2026-06-10T18:00:00'), at('2026-06-12T08:00:00'), at('2026-06-09T10:00:00'), at('2026-06-10T08:00:00')], now);
    expect(upcoming.map(([day, list]) => [day, list.map((c) => c.name)])).toEqual([
      ['2026-06-10', ['2026-06-10T18:00:00']],
      ['2026-06-12', ['2026-06-12T08:00:00', '2026-06-12T09:00:00']],
    ]);
    expect(past.map(([day]) => day)).toEqual(['2026-06-10', '2026-06-09']);
  });
});
