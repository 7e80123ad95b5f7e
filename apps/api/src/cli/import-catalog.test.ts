import { beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir, runCli } from '../testing/cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (args: string[], dataDir: string) => runCli(args, { dataDir });

describe('pnpm overture import catalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overture-catalog-'));
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('overture-cli-data-');
  });

  it('imports the good rows, names each bad row by line and field with exit 1, and a re-run changes nothing', async () => {
    const ws = await cli(['workspace', 'create', '--name', 'Catalog', '--json'], dataDir);
    expect(ws.code, ws.stderr).toBe(0);
    const id = (JSON.parse(ws.stdout) as { id: string }).id;

    const csv = join(dir, 'catalog.csv');
    writeFileSync(csv, ['product_id,name,price,currency,availability,url', 'mug-1,Enamel mug,12.5,GBP,in_stock,https://shop.example/mug', 'lamp-2,Lamp,cheap,GBP,in_stock,', 'bag-3,Tote,8,GBP,sold_out,', 'vase-4,Vase,40,EUR,out_of_stock,', ''].join('\n'));
    const first = await cli(['import', 'catalog', csv, '--workspace', id], dataDir);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('Imported 2 products (2 new or changed) from 4 rows');
    expect(first.stderr).toMatch(/line 3: price: /);
    expect(first.stderr).toMatch(/line 4: availability: /);

    const json = join(dir, 'catalog.json');
    writeFileSync(json, JSON.stringify([{ product_id: 'mug-1', name: 'Enamel mug', price: 12.5, currency: 'GBP', availability: 'in_stock', url: 'https://shop.example/mug' }, { product_id: 'vase-4', name: 'Vase', price: 40, currency: 'EUR', availability: 'in_stock' }]));
    const second = await cli(['import', 'catalog', json, '--workspace', id], dataDir);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('Imported 2 products (1 new or changed) from 2 rows'); // the vase is back in stock
    const again = await cli(['import', 'catalog', json, '--workspace', id], dataDir);
    expect(again.stdout).toContain('Imported 2 products (0 new or changed) from 2 rows');
  }, 300_000);

  it('exits 2 naming the problem on a missing file or a file that is not a product array', async () => {
    expect(await cli(['import', 'catalog', join(dir, 'missing.csv'), '--workspace', 'x'], dataDir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/No such file/) });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"product_id": "x"}');
    const ws = await cli(['workspace', 'create', '--name', 'Bad', '--json'], dataDir);
    const id = (JSON.parse(ws.stdout) as { id: string }).id;
    expect(await cli(['import', 'catalog', bad, '--workspace', id], dataDir)).toMatchObject({ code: 2, stderr: expect.stringMatching(/expected a JSON array/) });
  }, 300_000);
});
