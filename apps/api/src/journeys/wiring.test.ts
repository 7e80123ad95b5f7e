import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, startTestServer, type TestServer } from '@overture/api/testing';
import { TestSinkChannel } from '../testing/test-sink-channel';
import { publishedJourney, sinkMessages, until } from '../testing/journeys';

describe('journeys wired into the app: ingestion → events queue → worker → step jobs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ postgres: 'postgres', worker: true, journeyChannels: (app) => ({ onsite: new TestSinkChannel('onsite', app.postgres.db) }) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('sends the message of a journey triggered by an event posted to /v1/batch', async () => {
    await publishedJourney(t.app, t.workspace.id, {
      trigger: { type: 'event', event: 'Order Delayed', filters: [{ property: 'days', op: 'gte', value: 2 }] },
      start: 'sorry',
      nodes: [{ id: 'sorry', type: 'message', channel: 'onsite', template: 'delay-apology', next: null }],
    });
    const res = await postBatch(t, [
      { type: 'track', event: 'Order Delayed', userId: 'late-customer', properties: { days: 3 } },
      { type: 'track', event: 'Order Delayed', userId: 'on-time', properties: { days: 1 } },
    ]);
    expect(res.status).toBe(200);
    const msgs = await until(() => sinkMessages(t.app, t.workspace.id), (m) => m.length >= 1, 20_000, 'the apology');
    await new Promise((r) => setTimeout(r, 500));
    expect((await sinkMessages(t.app, t.workspace.id)).map((m) => m.template)).toEqual(['delay-apology']);
    expect(msgs[0]!.channel).toBe('onsite');
  });
});
