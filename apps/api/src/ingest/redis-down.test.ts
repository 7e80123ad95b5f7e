import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer } from '@overture/api/testing';

describe('fail fast when Redis is down', () => {
  it('answers 503 with Retry-After and stores nothing', async () => {
    const t = await startTestServer({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const id = randomUUID();
      const res = await fetch(`${t.url}/v1/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ writeKey: t.workspace.writeKey, event: 'X', userId: 'u', messageId: id }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: string }).error).toMatch(/Redis/);
      const rs = await t.app.clickhouse.query({ query: 'SELECT count() AS n FROM events WHERE message_id = {id:String}', query_params: { id }, format: 'JSONEachRow' });
      expect(Number((await rs.json<{ n: string }>())[0]!.n)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
