import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratedDataDir, runCli } from '../testing/cli';

const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
let invoice = 550000;
const line = (customer: number, stock: string, date: string) => `${invoice++},${stock},ITEM ${stock},1,${date} 10:00:00,2.50,${customer}.0,United Kingdom`;

// Stock codes are numbers: the retail file's letter codes (B, C, D, M...) are fees and adjustments.
const A = '20001';
const B = '20002';
const C = '20003';

// A shop where the answer is known: whoever buys A buys B; fifteen fillers and C outsell B, so best
// sellers' top 10 never holds B, while for_you (A → B) does. Ten people buy A before the cut-off and B after.
function orders(): string[] {
  const out: string[] = [];
  for (let c = 0; c < 20; c++) out.push(line(13000 + c, A, '2011-01-10'), line(13000 + c, B, '2011-01-10'));
  for (let c = 0; c < 30; c++) out.push(line(14000 + c, C, '2011-01-12'));
  for (let c = 0; c < 25; c++) for (let f = 1; f <= 15; f++) out.push(line(16000 + c, `2100${f}`, '2011-01-15'));
  for (let c = 0; c < 10; c++) out.push(line(15000 + c, A, '2011-02-10'), line(15000 + c, B, '2011-03-10'));
  return out;
}

describe('pnpm overture recs evaluate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overture-recs-'));
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('overture-cli-data-');
  });
  const cli = (args: string[]) => runCli(args, { dataDir });

  it('trains before the cut-off and scores later purchases: for_you finds B, best sellers do not', async () => {
    const ws = await cli(['workspace', 'create', '--name', 'Recs', '--json']);
    expect(ws.code, ws.stderr).toBe(0);
    const id = (JSON.parse(ws.stdout) as { id: string }).id;
    const file = join(dir, 'orders.csv');
    writeFileSync(file, [header, ...orders(), ''].join('\n'));
    expect((await cli(['import', 'orders', file, '--workspace', id])).code).toBe(0);

    const r = await cli(['recs', 'evaluate', '--workspace', id, '--cutoff', '2011-03-01', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { people: number; strategies: Array<{ strategy: string; all: { hit_rate: number }; new: { hit_rate: number; people: number } | null }> };
    expect(result.people, r.stdout).toBe(10);
    const of = (s: string) => result.strategies.find((x) => x.strategy === s)!;
    expect(of('for_you').new).toMatchObject({ people: 10, hit_rate: 1 });
    expect(of('best_sellers').new?.hit_rate).toBe(0);
    expect(of('for_you').all.hit_rate).toBe(1);

    const table = await cli(['recs', 'evaluate', '--workspace', id, '--cutoff', '2011-03-01']);
    expect(table.stdout).toMatch(/^for_you\s+100\.0%/m);
    const bad = await cli(['recs', 'evaluate', '--workspace', id, '--cutoff', 'March']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--cutoff');
  }, 300_000);
});
