import { crc32 } from 'node:zlib';
import type { EventRow } from './row';

// A record of the ingest log: the payload's length and CRC-32 (both uint32, little-endian), then the
// rows as a JSON array.
const headerBytes = 8;
/** The shortest payload a record can have: `[]`. */
const shortestPayload = 2;

export function encodeRecord(rows: EventRow[]): Buffer {
  const payload = Buffer.from(JSON.stringify(rows));
  const header = Buffer.alloc(headerBytes);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/**
 * The records of a segment, in order, and where reading stopped. A record cut short, shorter than any
 * record can be (a tail of zeros), not matching its checksum or not a JSON array ends the segment: it
 * is a write the process died in, which was never acknowledged, or damage.
 */
export function decodeRecords(data: Buffer): { records: EventRow[][]; end: number } {
  const records: EventRow[][] = [];
  let at = 0;
  while (at + headerBytes <= data.length) {
    const length = data.readUInt32LE(at);
    const end = at + headerBytes + length;
    if (length < shortestPayload || end > data.length) break;
    const payload = data.subarray(at + headerBytes, end);
    if (crc32(payload) !== data.readUInt32LE(at + 4)) break;
    let rows: unknown;
    try {
      rows = JSON.parse(payload.toString());
    } catch {
      break;
    }
    if (!Array.isArray(rows)) break;
    records.push(rows as EventRow[]);
    at = end;
  }
  return { records, end: at };
}
