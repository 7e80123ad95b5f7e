import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';

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
}

const header = ['InvoiceNo', 'StockCode', 'Description', 'Quantity', 'InvoiceDate', 'UnitPrice', 'CustomerID', 'Country'];

/** InvoiceDate is local UK time without zone; the data set treats it as wall-clock, so we read it as UTC. */
function parseDate(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim()) ?? /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const iso = m[0].includes('/')
    ? Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]))
    : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isFinite(iso) ? new Date(iso) : null;
}

export function parseRetailRecord(record: string[], line: number): RetailLine | RetailLineError {
  if (record.length !== header.length) return { line, message: `expected ${header.length} columns, found ${record.length}` };
  const [invoiceNo, stockCode, description, quantity, invoiceDate, unitPrice, customerId, country] = record.map((v) => v.trim()) as [string, string, string, string, string, string, string, string];
  if (!invoiceNo) return { line, message: 'InvoiceNo is empty' };
  if (!stockCode) return { line, message: 'StockCode is empty' };
  const qty = Number(quantity);
  if (!Number.isInteger(qty)) return { line, message: `Quantity "${quantity}" is not an integer` };
  const price = Number(unitPrice);
  if (!Number.isFinite(price)) return { line, message: `UnitPrice "${unitPrice}" is not a number` };
  const date = parseDate(invoiceDate);
  if (!date) return { line, message: `InvoiceDate "${invoiceDate}" is not a date (YYYY-MM-DD HH:MM)` };
  const cid = customerId.replace(/\.0+$/, '');
  if (cid && !/^\d+$/.test(cid)) return { line, message: `CustomerID "${customerId}" is not a number` };
  return { line, invoiceNo, stockCode, description, quantity: qty, invoiceDate: date, unitPrice: price, customerId: cid, country };
}

export interface ReadProgress {
  /** Bytes of the file (compressed, for .gz) read so far, of `totalBytes`. */
  bytes: number;
  totalBytes: number;
  lines: number;
}

/** Streams a (optionally gzipped) online-retail CSV, yielding parsed lines and per-line errors. */
export async function* readRetailCsv(path: string, onProgress?: (p: ReadProgress) => void): AsyncGenerator<RetailLine | RetailLineError> {
  const totalBytes = statSync(path).size;
  const input = createReadStream(path);
  let lines = 0;
  if (onProgress) input.on('data', () => onProgress({ bytes: input.bytesRead, totalBytes, lines }));
  const source = path.endsWith('.gz') ? input.pipe(createGunzip()) : input;
  const parser = source.pipe(parse({ relax_column_count: true, relax_quotes: true, bom: true, skip_empty_lines: true, info: true }));
  let first = true;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    lines = info.lines;
    if (first) {
      first = false;
      if (record.join(',') !== header.join(',')) {
        yield { line: info.lines, message: `header must be ${header.join(',')}` };
        return;
      }
      continue;
    }
    yield parseRetailRecord(record, info.lines);
  }
}

export const isRetailError = (x: RetailLine | RetailLineError): x is RetailLineError => 'message' in x;
