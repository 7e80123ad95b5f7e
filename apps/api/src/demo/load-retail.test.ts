import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { selectRows } from '../stores/clickhouse/sql';
import { loadRetailCsv } from './load-retail';

const csv = `InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom
536366,22633,HAND WARMER UNION JACK,six,2010-12-01 08:28:00,1.85,17850.0,United Kingdom
536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom
536368,22960,"JAM MAKING SET, WITH JARS",6,not a date,4.25,13047.0,United Kingdom
536365,22752,SET 7 BABUSHKA NESTING BOXES,2,2010-12-01 08:26:00,7.65,17850.0,United Kingdom
C536379,71053,WHITE METAL LANTERN,-1,2010-12-02 09:41:00,3.39,17850.0,United Kingdom
536370,22728,ALARM CLOCK BAKELIKE PINK,24,2010-12-01 08:45:00,3.75,,France
`;

describe('pnpm overture import orders (online-retail loader)', () => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let file: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = await createWorkspace(app.postgres.db, 'import');
    file = join(mkdtempSync(join(tmpdir(), 'retail-')), 'orders.csv');
    writeFileSync(file, csv);
  });
  afterAll(() => app?.close());

  const orders = () =>
    selectRows<{ event: string; user_id: string; anonymous_id: string; properties: string }>(
      app.clickhouse,
      `SELECT event, user_id, anonymous_id, properties FROM events WHERE workspace_id = {ws:String} AND type = 'track' ORDER BY message_id`,
      { ws: ws.id },
    );

  it('loads customers, products and orders with line items, refunds for C… invoices, and reports bad lines by number', async () => {
    const result = await loadRetailCsv(app, ws.id, file);
    await app.writer.drain();
    expect(result.errors).toEqual([
      { line: 4, message: 'Quantity "six" is not an integer', invoiceNo: '536366' },
      { line: 6, message: 'InvoiceDate "not a date" is not a date that exists (YYYY-MM-DD HH:MM)', invoiceNo: '536368' },
    ]);
    expect(result).toMatchObject({ lines: 8, invoices: 4, refunds: 1, customers: 2, products: 5 });
    const rows = await orders();
    expect(rows.map((r) => [r.event, r.user_id || r.anonymous_id])).toEqual([
      ['Order Completed', '17850'],
      ['Order Completed', '13047'],
      ['Order Completed', 'guest-536370'],
      ['Order Refunded', '17850'],
    ]);
    // The invoice's lines come together even when they are not contiguous in the file.
    const first = JSON.parse(rows[0]!.properties) as { revenue: number; products: Array<{ product_id: string; quantity: number }> };
    expect(first.products.map((p) => p.product_id)).toEqual(['85123A', '71053', '22752']);
    expect(first.revenue).toBe(Math.round((6 * 2.55 + 6 * 3.39 + 2 * 7.65) * 100) / 100);
    expect(JSON.parse(rows[3]!.properties)).toMatchObject({ order_id: '536379', refund_id: 'C536379', revenue: 3.39 });
    const identifies = await selectRows<{ user_id: string; traits: string }>(
      app.clickhouse,
      `SELECT user_id, traits FROM events WHERE workspace_id = {ws:String} AND type = 'identify' ORDER BY user_id`,
      { ws: ws.id },
    );
    expect(identifies.map((i) => [i.user_id, JSON.parse(i.traits).country])).toEqual([
      ['13047', 'United Kingdom'],
      ['17850', 'United Kingdom'],
    ]);
    const products = await selectRows<{ product_id: string; name: string; price: number }>(
      app.clickhouse,
      `SELECT product_id, name, price FROM products WHERE workspace_id = {ws:String} ORDER BY product_id`,
      { ws: ws.id },
    );
    expect(products.find((p) => p.product_id === '71053')).toEqual({ product_id: '71053', name: 'WHITE METAL LANTERN', price: 3.39 });
  });

  it('adds nothing twice when run again', async () => {
    const before = await orders();
    await loadRetailCsv(app, ws.id, file);
    await app.writer.drain();
    expect(await orders()).toEqual(before);
    const [n] = await selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM events WHERE workspace_id = {ws:String}`, { ws: ws.id });
    expect(Number(n!.n)).toBe(6);
  });
});
