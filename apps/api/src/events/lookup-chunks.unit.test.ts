import { describe, expect, it } from 'vitest';
import { lookupChunks, lookupMaxIds, lookupMaxUrlBytes } from './lookup-chunks';
import type { EventRow } from './row';

const rows = (ids: string[]) => ids.map((message_id) => ({ workspace_id: 'w', message_id }) as EventRow);
const encodedBytes = (chunk: EventRow[]) => chunk.reduce((n, r) => n + encodeURIComponent(r.message_id).length + 9, 0);

describe('lookupChunks', () => {
  it('puts up to lookupMaxIds ids in a look-up, in order', () => {
    const ids = Array.from({ length: 2 * lookupMaxIds + 5 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const chunks = lookupChunks(rows(ids));
    expect(chunks.map((c) => c.length)).toEqual([lookupMaxIds, lookupMaxIds, 5]);
    expect(chunks.flat().map((r) => r.message_id)).toEqual(ids);
  });

  it('keeps a look-up of long ids that must be percent-encoded within the URL budget', () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => `${'é'.repeat(250)}${i}`);
    const chunks = lookupChunks(rows(ids));
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(encodedBytes(chunk)).toBeLessThanOrEqual(lookupMaxUrlBytes);
    expect(chunks.flat().map((r) => r.message_id)).toEqual(ids);
  });

  it('makes no look-up of no rows', () => {
    expect(lookupChunks([])).toEqual([]);
  });
});
