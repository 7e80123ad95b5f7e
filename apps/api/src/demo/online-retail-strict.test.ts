import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { selectRows } from '../stores/clickhouse/sql';
import { loadRetailCsv } from './load-retail';
import { isRetailError, readRetailCsv, RetailFileError } from './online-retail';

const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const good = [
  '536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
  '536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
  '536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom',
];
const dir = mkdtempSync(join(tmpdir(), 'retail-strict-'));
const file = (name: string, body: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
};

describe('online-retail import is strict and honest', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  const eventsOf = async (ws: string) =>
    selectRows<{ message_id: string; properties: string }>(app.clickhouse, `SELECT message_id, properties FROM events WHERE workspace_id = {ws:String} AND type = 'track' ORDER BY message_id`, { ws });

  it('rejects a date that does not exist with its line, instead of rolling it over', async () => {
    const path = file('feb30.csv', [header, ...good, '536370,22728,ALARM CLOCK BAKELIKE PINK,24,2011-02-30 08:45:00,3.75,12583.0,France', ''].join('\n'));
    const items = [];
    for await (const item of readRetailCsv(path)) items.push(item);
    expect(items.filter(isRetailError)).toEqual([{ line: 5, message: 'InvoiceDate "2011-02-30 08:45:00" is not a date that exists (YYYY-MM-DD HH:MM)', invoiceNo: '536370' }]);
  });

  it('a truncated gzip is one error naming the byte, and nothing is written', async () => {
    const ws = await createWorkspace(app.postgres.db, 'truncated gzip');
    const rows = Array.from({ length: 2000 }, (_, i) => `5${String(40000 + i)},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${1 + (i % 7)},2011-01-0${1 + (i % 9)} 08:26:00,2.55,${12000 + i}.0,United Kingdom`);
    const gz = gzipSync([header, ...rows, ''].join('\n'));
    const path = file('truncated.csv.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    await expect(loadRetailCsv(app, ws.id, path)).rejects.toThrow(RetailFileError);
    await expect(loadRetailCsv(app, ws.id, path)).rejects.toThrow(/broken gzip at byte [\d,]+ of [\d,]+ \(unexpected end of file\)/);
    await app.writer.drain();
    expect(await eventsOf(ws.id)).toEqual([]);
  });

  it('an unclosed quote is one error naming the line where it begins, and nothing is written', async () => {
    const ws = await createWorkspace(app.postgres.db, 'unclosed quote');
    const tail = Array.from({ length: 40 }, (_, i) => `5370${String(i).padStart(2, '0')},22633,HAND WARMER UNION JACK,6,2010-12-02 08:28:00,1.85,17850.0,United Kingdom`);
    const path = file('quote.csv', [header, ...good, '536368,22960,"JAM MAKING SET, WITH JARS,6,2010-12-01 08:34:00,4.25,13047.0,United Kingdom', ...tail, '537100,22961,"JAM JAR" LID,1,2010-12-03 08:00:00,1.00,13047.0,United Kingdom', ''].join('\n'));
    await expect(loadRetailCsv(app, ws.id, path)).rejects.toThrow(/line 5: /);
    await app.writer.drain();
    expect(await eventsOf(ws.id)).toEqual([]);
  });

  it('writes nothing of an invoice with a bad line, so a re-import never overwrites a good invoice with part of it', async () => {
    const ws = await createWorkspace(app.postgres.db, 'partial invoice');
    await loadRetailCsv(app, ws.id, file('good.csv', [header, ...good, ''].join('\n')));
    await app.writer.drain();
    const before = await eventsOf(ws.id);
    expect(JSON.parse(before[0]!.properties).revenue).toBe(35.64);
    const damaged = [header, good[0], '536365,71053,WHITE METAL LANTERN,six,2010-12-01 08:26:00,3.39,17850.0,United Kingdom', good[2], ''].join('\n');
    const result = await loadRetailCsv(app, ws.id, file('damaged.csv', damaged));
    await app.writer.drain();
    expect(result).toMatchObject({ invoices: 1, rejectedInvoices: 1, errors: [{ line: 3, invoiceNo: '536365' }] });
    expect(await eventsOf(ws.id)).toEqual(before);
    // The same file again adds and changes nothing.
    await loadRetailCsv(app, ws.id, file('good.csv', [header, ...good, ''].join('\n')));
    await app.writer.drain();
    expect(await eventsOf(ws.id)).toEqual(before);
  });
});
