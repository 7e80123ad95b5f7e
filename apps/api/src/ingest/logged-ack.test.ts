import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTestApp, startTestServer, type TestServer } from '@overture/api/testing';
import { decodeRecords, encodeRecord } from '../events/ingest-log';
import type { EventRow } from '../events/row';

// The acknowledgement the embedded start uses: from the ingest log, with the event store behind it.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ env: { INGEST_ACK: 'logged' } });
});
afterAll(() => t?.close());

const logDir = () => t.app.config.ingestLogDir;
const segments = () => readdirSync(logDir()).filter((n) => n.endsWith('.log'));
const loggedIds = () => segments().flatMap((n) => decodeRecords(readFileSync(join(logDir(), n))).records.flat().map((r) => r.message_id));

async function send(batch: unknown[]) {
  const res = await fetch(`${t.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey: t.workspace.writeKey, batch }) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function storedCount(messageId: string): Promise<number> {
  const rs = await t.app.clickhouse.query({
    query: 'SELECT count() AS n FROM events WHERE workspace_id = {ws:String} AND message_id = {id:String} SETTINGS final = 0',
    query_params: { ws: t.workspace.id, id: messageId },
    format: 'JSONEachRow',
  });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}

describe('acknowledged from the ingest log', () => {
  it('has an event on disk when it answers, stores it behind, once however often it is sent', async () => {
    const id = randomUUID();
    const event = { type: 'track', event: 'Logged', userId: 'logged-user', messageId: id };
    const first = await send([event]);
    expect(first).toEqual({ status: 200, json: { success: true, accepted: 1 } });
    expect(loggedIds()).toContain(id);
    expect((await send([event])).status).toBe(200);
    await t.app.ingestLog!.drain();
    expect(await storedCount(id)).toBe(1);
    expect(t.app.ingestLog!.unstoredBytes).toBe(0);
  });

  it('reports the acknowledgement mode and the backlog on /healthz', async () => {
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as { ingest: Record<string, unknown> };
    expect(health.ingest).toEqual({ ack: 'logged', unstoredBytes: expect.any(Number), storeFailing: false });
  });

  it('still refuses bad input before logging anything', async () => {
    const before = loggedIds().length;
    const r = await send([{ type: 'track', userId: 'u' }]);
    expect(r.status).toBe(400);
    expect(loggedIds()).toHaveLength(before);
  });

  it('a start stores what an earlier process left in the log, whether it answers from the log or once stored', async () => {
    // Rows as the handler logs them, under new ids: what a process killed before storing them left.
    const id = randomUUID();
    expect((await send([{ type: 'track', event: 'Left', userId: 'left-user', messageId: id }])).status).toBe(200);
    const template = segments().flatMap((n) => decodeRecords(readFileSync(join(logDir(), n))).records.flat()).find((r) => r.message_id === id)!;
    for (const ack of ['logged', 'stored'] as const) {
      const left: EventRow[] = [{ ...template, message_id: randomUUID() }, { ...template, message_id: randomUUID() }];
      const dataDir = mkdtempSync(join(tmpdir(), 'overture-left-'));
      try {
        mkdirSync(join(dataDir, 'ingest-log'));
        writeFileSync(join(dataDir, 'ingest-log', '000000000003.log'), encodeRecord(left));
        const app = await createTestApp({ env: { INGEST_ACK: ack, OVERTURE_DATA_DIR: dataDir } });
        try {
          expect(await Promise.all(left.map((r) => storedCount(r.message_id)))).toEqual([1, 1]);
          expect(readdirSync(join(dataDir, 'ingest-log')).filter((n) => n.endsWith('.log')).length).toBe(ack === 'logged' ? 1 : 0);
        } finally {
          await app.close();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});
