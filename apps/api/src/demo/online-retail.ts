import { createReadStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';

/** One line of the UCI "Online Retail" data set (D. Chen, UCI Machine Learning Repository, CC BY 4.0). */
export interface RetailLine {
  line: number;
  invoiceNo: string;
  stockCode: string;
  description: string;
  quantity: number;
  invoiceDate: Date;
  unitPrice: number;
  customerId: string;
  country: string;
}

export interface RetailLineError {
  line: number;
  message: string;
  /** The invoice the bad line belongs to, when its first column could be read: none of it is imported. */
  invoiceNo?: string;
}

/** The file itself is broken (gzip, CSV quoting): nothing of it may be imported. */
export class RetailFileError extends Error {}

const header = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

/**
 * InvoiceDate is local UK time without zone; the data set treats it as wall-clock, so we read it as UTC.
 * A date that does not exist (2011-02-30, 25:00) is rejected rather than rolled over into another day.
 */
function parseDate(s: string): Date | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  const us = iso ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!iso && !us) return null;
  const [y, mo, d, h, mi, sec] = iso
    ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6] ?? '0'].map(Number)
    : [us![3], us![1], us![2], us![4], us![5], '0'].map(Number);
  const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!);
  const t = new Date(ms);
  const exact = t.getUTCFullYear() === y && t.getUTCMonth() === mo! - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === sec;
  return Number.isFinite(ms) && exact ? t : null;
}

export function parseRetailRecord(record: string[], line: number): RetailLine | RetailLineError {
  const invoiceNo0 = record[0]?.trim() || undefined;
  const bad = (message: string): RetailLineError => (invoiceNo0 ? { line, message, invoiceNo: invoiceNo0 } : { line, message });
  if (record.length !== header.length) return bad(`expected ${header.length} columns, found ${record.length}`);
  const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country] = record.map((v) => v.trim()) as [string, string, string, string, string, string, string, string];
  if (!invoiceNo) return bad('InvoiceNo is empty');
  if (!stockCode) return bad('StockCode is empty');
  const qty = Number(quantity);
  if (!Number.isInteger(qty)) return bad(`Quantity "${quantity}" is not an integer`);
  const price = Number(unitPrice);
  if (!Number.isFinite(price)) return bad(`UnitPrice "${unitPrice}" is not a number`);
  const date = parseDate(invoiceDate);
  if (!date) return bad(`InvoiceDate "${invoiceDate}" is not a date that exists (YYYY-MM-DD HH:MM)`);
  const cid = customerId.replace(/\.0+$/, '');
  if (cid && !/^\d+$/.test(cid)) return bad(`CustomerID "${customerId}" is not a number`);
  return { line, invoiceNo, stockCode, description, quantity: qty, invoiceDate: date, unitPrice: price, customerId: cid, country };
}

export interface ReadProgress {
  /** Bytes of the file (compressed, for .gz) read so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
  lines: number;
}

/**
 * Streams a (optionally gzipped) online-retail CSV, yielding parsed lines and per-line errors.
 * A broken file (gzip, an unclosed or stray quote) throws a RetailFileError naming the byte or the line
 * where the damage begins; callers read the whole file before writing anything.
 */
export async function* readRetailCsv(path: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<RetailLine | RetailLineError> {
  const totalBytes = statSync(path).size;
  const input = createReadStream(path);
  let lines = 0;
  if (onProgress) input.on('data', () => onProgress({ bytes: input.bytesRead, totalBytes, lines }));
  const gunzip = path.endsWith('.gz') ? createGunzip() : null;
  // Where the last complete record ended, as the parser sees it: it reads ahead of the consumer, and
  // a quoting error discards the records it had buffered.
  let parsedEnd = 0;
  const parser = parse({
    relax_column_count: true, bom: true, skip_empty_lines: true, info: true,
    on_record: (record, context) => {
      parsedEnd = context.lines;
      return record;
    },
  });
  const noop = () => {};
  if (gunzip) pipeline(input, gunzip, parser, noop);
  else pipeline(input, parser, noop);
  let first = true;
  // The line where the current record begins is the one after the previous record ended.
  let previousEnd = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const begins = previousEnd + 1;
      lines = info.lines;
      // No field of this data set spans lines: a record that does began with a quote that was never closed.
      if (info.lines > begins && record.some((v) => v.includes('\n'))) throw new RetailFileError(`${path}: line ${begins}: a quoted field is not closed on its line (it runs on to line ${info.lines})`);
      previousEnd = info.lines;
      if (first) {
        first = false;
        if (record.join(',') !== header.join(',')) throw new RetailFileError(`${path}: line ${begins}: header must be ${header.join(',')}`);
        continue;
      }
      yield parseRetailRecord(record, begins);
    }
  } catch (err) {
    if (err instanceof CsvError) throw new RetailFileError(`${path}: line ${parsedEnd + 1}: broken CSV quoting in the record that begins here (${err.message.replace(/\s*at line \d+\.?/, '')})`);
    // The compressed bytes the inflater had taken in when it failed: where the damage is.
    if (gunzip && /^Z_/.test(String((err as { code?: string }).code))) {
      throw new RetailFileError(`${path}: broken gzip at byte ${gunzip.bytesWritten.toLocaleString('en')} of ${totalBytes.toLocaleString('en')} (${(err as Error).message})`);
    }
    throw err;
  } finally {
    input.destroy();
  }
}

export const isRetailError = (x: RetailLine | RetailLineError): x is RetailLineError => 'message' in x;
