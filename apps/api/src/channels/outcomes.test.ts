import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { selectRows } from '../stores/clickhouse/sql';
import { recordOutcomes } from './outcomes';

describe('outcome group commit', () => {
  let app: TestApp;
  let ws: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'outcomes')).id;
  });
  afterAll(() => app?.close());

  const stored = async (messageId: string) =>
    (await selectRows<{ kind: string }>(app.clickhouse, `SELECT kind FROM message_events WHERE workspace_id = {ws:String} AND message_id = {m:String}`, { ws, m: messageId })).map((r) => r.kind).sort();

  it('resolves each of many concurrent writers only once its own rows are stored', async () => {
    const checks = Array.from({ length: 300 }, async (_x, i) => {
      // Staggered, so writers land both in a batch being gathered and behind one being inserted.
      await new Promise((r) => setTimeout(r, i % 40));
      await recordOutcomes(app, [
        { workspaceId: ws, messageId: `m${i}`, profileId: `p${i}`, channel: 'email', kind: 'sent' },
        { workspaceId: ws, messageId: `m${i}`, profileId: `p${i}`, channel: 'email', kind: 'delivered', detail: { response: `250 ok ${i}` } },
      ]);
      return stored(`m${i}`);
    });
    for (const kinds of await Promise.all(checks)) expect(kinds).toEqual(['delivered', 'sent']);
  });
});
