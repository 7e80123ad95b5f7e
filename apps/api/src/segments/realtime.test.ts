import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, startTestServer, type TestServer } from '@overture/api/testing';
import { getProfile, isInSegment, resolveProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { createSegment } from './store';
import { refreshSegment } from './refresh';

describe('real-time segment entry with the worker running', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ worker: true });
  });
  afterAll(() => t?.close());

  const send = (batch: Array<Record<string, unknown>>) => postBatch(t, batch);

  async function waitFor<T>(what: string, fn: () => Promise<T | null | false>, ms: number): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('an ingested event makes the profile enter a segment within 5 s, visible to journeys as an event', async () => {
    const ws = t.workspace.id;
    const segment = await createSegment(t.app, ws, {
      name: 'Checked out twice',
      definition: { type: 'event', event: 'Checkout Completed', count: { op: 'gte', value: 2 } },
    });
    await refreshSegment(t.app, segment); // empty baseline
    expect((await send([{ type: 'identify', userId: 'rt-1', anonymousId: 'rt-anon', traits: { email: 'rt@example.com' } }])).status).toBe(200);
    // Traits are visible within a second of the identify.
    await waitFor('traits', async () => (await getProfile(t.app, ws, 'rt-1'))?.email === 'rt@example.com', 1_000);
    await send([{ type: 'track', event: 'Checkout Completed', anonymousId: 'rt-anon' }]);
    const profileId = await resolveProfileId(t.app, ws, { userId: 'rt-1' });
    expect(await isInSegment(t.app, ws, segment.id, profileId)).toBe(false);

    const started = Date.now();
    expect((await send([{ type: 'track', event: 'Checkout Completed', userId: 'rt-1' }])).status).toBe(200);
    await waitFor('segment entry', () => isInSegment(t.app, ws, segment.id, profileId), 5_000);
    const entered = await waitFor(
      '$segment_entered event',
      async () =>
        (
          await selectRows<{ user_id: string; properties: string }>(
            t.app.clickhouse,
            `SELECT user_id, properties FROM events WHERE workspace_id = {ws:String} AND event = '$segment_entered'`,
            { ws },
          )
        )[0] ?? null,
      5_000 - (Date.now() - started),
    );
    expect(entered.user_id).toBe('rt-1');
    expect(JSON.parse(entered.properties)).toMatchObject({ segment_id: segment.id, segment_name: 'Checked out twice', profile_id: profileId });
    expect((await getProfile(t.app, ws, 'rt-anon'))!.segments.map((s) => s.id)).toEqual([segment.id]);
  });
});
