import type { EventRow } from './row';

/**
 * How large one messageId look-up may be. Each costs the engine a fixed part (tens of milliseconds
 * at a million stored ids) besides its share per id, so look-ups are as large as allowed.
 */
export interface LookupLimits {
  maxIds: number;
  /** Bytes of the ids parameter as sent; a ClickHouse server refuses a parameter over 128 KiB by default. */
  maxParamBytes: number;
}

/** Embedded chDB binds parameters in-process. */
export const embeddedLookup: LookupLimits = { maxIds: 10_000, maxParamBytes: Number.POSITIVE_INFINITY };
/** A server takes parameters in the URL or as form fields (`http_max_field_value_size`, 128 KiB by default). */
export const serverLookup: LookupLimits = { maxIds: 10_000, maxParamBytes: 96 * 1024 };

const escapes: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', "'": "\\'", '\\': '\\\\' };

/**
 * The id as @clickhouse/client writes it in an Array(String) parameter (escaped, quoted, a comma
 * after it), counted as percent-encoded in a URL: at least its size as a form field too.
 */
export function paramBytes(id: string): number {
  const written = `'${id.replace(/[\t\n\r'\\]/g, (c) => escapes[c]!)}',`;
  return new URLSearchParams([['', written]]).toString().length - 1;
}

/** The rows, in order, in chunks of one look-up each. */
export function lookupChunks(rows: EventRow[], limits: LookupLimits): EventRow[][] {
  const chunks: EventRow[][] = [];
  const measured = Number.isFinite(limits.maxParamBytes);
  let chunk: EventRow[] = [];
  let bytes = 2; // the brackets
  for (const row of rows) {
    const size = measured ? paramBytes(row.message_id) : 0;
    if (chunk.length === limits.maxIds || (chunk.length > 0 && bytes + size > limits.maxParamBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 2;
    }
    chunk.push(row);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
