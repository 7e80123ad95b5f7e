import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { toLiveEvent } from '../events/queue';
import { consumeProfileEvents } from './consumer';
import { getProfile } from './index';

describe('the real-time refresh of batches processed side by side', () => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
    ws = await createWorkspace(app.postgres.db, 'realtime-refresh');
  });
  afterAll(() => app?.close());

  it('gives every profile of every batch features that count all of its events, and runs `after` for each', async () => {
    // Five batches, each stored before it is consumed (as the worker gets them), consumed all at once.
    const batches = Array.from({ length: 5 }, (_, b) =>
      Array.from({ length: 4 }, (_, u) => Array.from({ length: u + 1 }, () => ({ type: 'track', event: 'Viewed', userId: `user-${b}-${u}`, messageId: randomUUID() })))
        .flat()
        .map((e) => normalizeEvent(e as IncomingEvent, { workspaceId: ws.id, receivedAt: Date.now() })),
    );
    for (const rows of batches) await app.writer.write(rows);
    const told = new Set<string>();
    const after = async (_app: unknown, _ws: string, profileIds: string[]) => profileIds.forEach((p) => told.add(p));
    await Promise.all(batches.map((rows) => consumeProfileEvents(app, rows.map(toLiveEvent), after)));

    for (let b = 0; b < 5; b++) {
      for (let u = 0; u < 4; u++) {
        const p = (await getProfile(app, ws.id, `user-${b}-${u}`))!;
        expect(p.features?.event_count).toBe(u + 1);
        expect(told.has(p.id)).toBe(true);
      }
    }
    expect(told.size).toBe(20);
  });
});
