import { beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir, runCli } from '../testing/cli';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { importProgress } from './import-progress';

// Piped: stderr is not a terminal, so progress comes as plain lines.
const cli = (args: string[], dataDir: string) => runCli(args, { dataDir });

const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
const rows = Array.from({ length: 300 }, (_, i) => `${540000 + i},85123A,WHITE HANGING HEART T-LIGHT HOLDER,${1 + (i % 5)},2011-03-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,2.55,${13000 + (i % 40)}.0,United Kingdom`);

describe('pnpm overture import orders', () => {
  const dir = mkdtempSync(join(tmpdir(), 'overture-import-'));
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('overture-cli-data-');
  });

  it('prints plain progress lines when piped, through the recompute, and the as-of of historical data', async () => {
    const ws = await cli(['workspace', 'create', '--name', 'Import', '--json'], dataDir);
    expect(ws.code, ws.stderr).toBe(0);
    const id = (JSON.parse(ws.stdout) as { id: string }).id;
    const file = join(dir, 'orders.csv.gz');
    writeFileSync(file, gzipSync([header, ...rows, ''].join('\n')));
    const r = await cli(['import', 'orders', file, '--workspace', id], dataDir);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    expect(r.stderr).not.toContain('\r');
    expect(lines).toContain('import: reading  300 lines (100%)');
    expect(lines).toContain('import: writing  340/340 events (100%)');
    expect(lines).toContain('import: recomputing profiles, RFM and segments');
    expect(lines.some((l) => /^import: recomputed in [\d.]+ s$/.test(l))).toBe(true);
    expect(r.stdout).toMatch(/^Imported 300 orders \(0 of guests.*figures as of 2011-03-29;/);
    expect(r.stdout).toMatch(/recommendations built in [\d.]+ s/);

    // A broken file: one line naming where, exit 1, nothing written (a second import still has all to do).
    const broken = join(dir, 'broken.csv.gz');
    const gz = gzipSync([header, ...rows, ''].join('\n'));
    writeFileSync(broken, gz.subarray(0, gz.length - 20));
    const b = await cli(['import', 'orders', broken, '--workspace', id], dataDir);
    expect(b.code).toBe(1);
    const errors = b.stderr.split('\n').filter((l) => l && !l.startsWith('import: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken gzip at byte [\d,]+ of [\d,]+/);
  }, 300_000);

  it('exits 2 on a usage error', async () => {
    const r = await cli(['import', 'orders', join(dir, 'missing.csv'), '--workspace', 'x'], dataDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No such file/);
  });

  it('plain progress: a line per 10 % or per interval, and recompute lines on each tick (injected clock)', async () => {
    let t = 0;
    const out: string[] = [];
    const p = importProgress({ tty: false, write: (s) => out.push(s), clock: () => t, everyMs: 5_000, everyPercent: 10 });
    const read = (bytes: number) => p.load({ phase: 'read', bytes, totalBytes: 1000, lines: bytes, written: 0, toWrite: 0 });
    read(0);
    read(50); // 5 %, 0 s: nothing
    t = 6_000;
    read(60); // 6 %, but 6 s passed
    read(200);
    read(210);
    read(1000);
    p.load({ phase: 'read', bytes: 1000, totalBytes: 1000, lines: 1234, written: 0, toWrite: 0, readDone: true });
    expect(out).toEqual(['import: reading  0 lines (0%)\n', 'import: reading  60 lines (6%)\n', 'import: reading  200 lines (20%)\n', 'import: reading  1,000 lines (99%)\n', 'import: reading  1,234 lines (100%)\n']);
    out.length = 0;
    let tick = () => {};
    await p.recompute(async () => {
      t += 5_000;
      tick();
      t += 5_000;
      tick();
    }, (fn) => ((tick = fn), { stop: () => {} }));
    expect(out).toEqual(['import: recomputing profiles, RFM and segments\n', 'import: still recomputing (5 s)\n', 'import: still recomputing (10 s)\n', 'import: recomputed in 10.0 s\n']);
  });
});
