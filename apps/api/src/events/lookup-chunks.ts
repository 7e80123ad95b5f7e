import type { EventRow } from './row';

/**
 * Look-ups as large as allowed: each costs the engine about as much for a hundred ids as for
 * thousands. Parameters travel in the request URL of a ClickHouse server, so a chunk's ids, as they
 * are encoded there, stay within half of its default limit (1 MiB).
 */
export const lookupMaxIds = 10_000;
export const lookupMaxUrlBytes = 512 * 1024;

/** The rows, in order, in chunks of one look-up each. */
export function lookupChunks(rows: EventRow[]): EventRow[][] {
  const chunks: EventRow[][] = [];
  let chunk: EventRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    // The id, its quotes and the comma after it, percent-encoded.
    const size = encodeURIComponent(row.message_id).length + 9;
    if (chunk.length === lookupMaxIds || (chunk.length > 0 && bytes + size > lookupMaxUrlBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
