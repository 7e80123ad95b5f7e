import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { testClickhouse } from '../../testing';
import { startClickhouseFrontProcess, type ClickhouseFrontProcess } from '../../testing/clickhouse-front-process';
import { createClickhouse, insertRaw, type ClickHouseClient } from './index';
import { run, selectRows } from './sql';

// Rows serialised by us reach the table the same way on the embedded engine and on a server (here a
// chDB engine behind its HTTP interface, in a process of its own).
let front: ClickhouseFrontProcess;
let server: ClickHouseClient;
beforeAll(async () => {
  front = await startClickhouseFrontProcess();
  server = createClickhouse({ url: front.url });
});
afterAll(async () => {
  await server?.close();
  await front?.stop();
});

describe.each([
  ['embedded chDB', () => testClickhouse().client],
  ['a ClickHouse server', () => server],
])('insertRaw on %s', (_, clickhouse) => {
  async function freshTable(): Promise<string> {
    const table = `raw_${randomBytes(4).toString('hex')}`;
    await run(clickhouse(), `CREATE TABLE ${table} (id String, n UInt32, note String) ENGINE = MergeTree ORDER BY id`);
    return table;
  }

  it('stores JSONEachRow rows, naming only some columns', async () => {
    const table = await freshTable();
    const body = Buffer.from([{ id: 'a', n: 1 }, { id: 'b', n: 2 }].map((r) => JSON.stringify(r)).join('\n'));
    await insertRaw(clickhouse(), table, ['id', 'n'], 'JSONEachRow', body);
    expect(await selectRows(clickhouse(), `SELECT id, n, note FROM ${table} ORDER BY id`)).toEqual([
      { id: 'a', n: 1, note: '' },
      { id: 'b', n: 2, note: '' },
    ]);
  });

  it('stores TabSeparated rows with escaped text intact', async () => {
    const table = await freshTable();
    await insertRaw(clickhouse(), table, ['id', 'n', 'note'], 'TabSeparated', Buffer.from('x\t7\ttab\\there\ny\t8\tnew\\nline\n'));
    expect(await selectRows(clickhouse(), `SELECT id, n, note FROM ${table} ORDER BY id`)).toEqual([
      { id: 'x', n: 7, note: 'tab\there' },
      { id: 'y', n: 8, note: 'new\nline' },
    ]);
  });

  it('rejects rows that do not parse, storing none of them', async () => {
    const table = await freshTable();
    await expect(insertRaw(clickhouse(), table, ['id', 'n'], 'JSONEachRow', Buffer.from('{"id":"ok","n":1}\n{"id":"bad","n":"many"}'))).rejects.toThrow();
    expect(await selectRows(clickhouse(), `SELECT id FROM ${table}`)).toEqual([]);
  });
});
