// Limits of ingestion that need no server: the stored time of an event stays in range.
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from './normalize';
import { serializeEvents } from '../events/store';

describe('times out of range', () => {
  it('keeps a stored time between 2000 and a day from now whatever skew correction makes of it', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    // A client clock a year ahead, correcting an event time of 2000-01-01 to before 2000.
    const early = normalizeEvent({ type: 'track', event: 'x', userId: 'u', timestamp: '2000-01-01T00:00:00Z', sentAt: '2027-06-01T12:00:00Z' }, { workspaceId: 'w', receivedAt: now });
    expect(early.timestamp).toBe('2000-01-01 00:00:00.000');
    const late = normalizeEvent({ type: 'track', event: 'x', userId: 'u', timestamp: '2090-01-01T00:00:00Z' }, { workspaceId: 'w', receivedAt: now });
    expect(late.timestamp).toBe('2026-06-02 12:00:00.000');
    // Rows built elsewhere are clamped where they are stored.
    const rows = [
      { ...early, timestamp: '1969-12-31 23:59:59.000', sent_at: '1900-01-01 00:00:00.000' },
      { ...early, timestamp: '+275760-09-13 00:00:00.000' },
    ];
    const lines = serializeEvents(rows, now).toString().trim().split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => [l[9], l[10]])).toEqual([
      ['2000-01-01 00:00:00.000', '\\N'],
      ['2026-06-02 12:00:00.000', early.sent_at],
    ]);
  });
});
