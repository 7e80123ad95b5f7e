import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { chTime, nextVersion, selectRows } from '../stores/clickhouse/sql';
import { resolveLinks } from './identity';
import { profileIdSql } from './ids';
import { backfillIdentities, backfillTraits } from './traits';

// The scheduled passes link ids that no real-time step saw (an import): each id of the events received
// since the watermark gets a profile once, an anonymous id joins the user it was first seen beside,
// whether that user is new too or already has a profile, and ids that have one keep it.
describe('identity and trait backfill', () => {
  let app: TestApp;
  let ws: string;
  const t0 = Date.now() - 60_000;

  async function store(events: Array<Record<string, unknown>>): Promise<void> {
    const rows = events.map((e) => normalizeEvent({ messageId: randomUUID(), timestamp: new Date(t0).toISOString(), ...e } as IncomingEvent, { workspaceId: ws, receivedAt: Date.now() }));
    await app.writer.write(rows);
  }

  const identities = async () =>
    new Map(
      (await selectRows<{ distinct_id: string; profile_id: string }>(app.clickhouse, `SELECT distinct_id, profile_id FROM identities WHERE workspace_id = {ws:String}`, { ws })).map((r) => [
        r.distinct_id,
        r.profile_id,
      ]),
    );
  const identityRows = async () => Number((await selectRows<{ n: string }>(app.clickhouse, `SELECT count() AS n FROM identities WHERE workspace_id = {ws:String} SETTINGS final = 0`, { ws }))[0]!.n);
  const backfill = async (sinceMs: number) => {
    await backfillIdentities(app, ws, await nextVersion(app), chTime(sinceMs));
    await backfillTraits(app, ws, chTime(sinceMs));
  };

  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'backfill')).id;
  });
  afterAll(() => app?.close());

  it('links each new id once, anonymous ids to the user they were first seen beside, and leaves known ids alone', async () => {
    // known-user joins the profile its first device was given: not the profile id its own id would derive.
    await resolveLinks(app, ws, [{ anonymousId: 'first-device' }]);
    const known = await resolveLinks(app, ws, [{ userId: 'known-user', anonymousId: 'first-device' }, { anonymousId: 'known-device' }]);
    const knownUser = known.profileOf.get('known-user')!;
    const knownDevice = known.profileOf.get('known-device')!;
    const [derived] = await selectRows<{ p: string }>(app.clickhouse, `SELECT ${profileIdSql('{ws:String}', `'known-user'`)} AS p`, { ws });
    expect(knownUser).not.toBe(derived!.p);
    const since = Date.now() - 1;
    await store([
      { type: 'page', anonymousId: 'new-device', properties: { path: '/' } },
      { type: 'identify', anonymousId: 'new-device', userId: 'new-user', traits: { plan: 'pro' } },
      { type: 'identify', anonymousId: 'device-of-known', userId: 'known-user', traits: { plan: 'team' } },
      { type: 'page', anonymousId: 'known-device', properties: { path: '/again' } },
      { type: 'track', event: 'Signed Up', anonymousId: 'lone-device' },
    ]);
    await app.writer.drain();
    const before = await identityRows();
    await backfill(since);

    const map = await identities();
    expect(map.get('new-device')).toBe(map.get('new-user'));
    expect(map.get('device-of-known')).toBe(knownUser);
    expect(map.get('known-user')).toBe(knownUser);
    expect(map.get('known-device')).toBe(knownDevice);
    expect(new Set([map.get('new-user'), map.get('lone-device'), knownUser, knownDevice]).size).toBe(4);
    // New rows only for the four ids that had no profile.
    expect((await identityRows()) - before).toBe(4);

    const traits = await selectRows<{ profile_id: string; value: string }>(app.clickhouse, `SELECT profile_id, value FROM profile_traits WHERE workspace_id = {ws:String} AND key = 'plan' ORDER BY value`, { ws });
    expect(traits).toEqual([
      { profile_id: map.get('new-user'), value: '"pro"' },
      { profile_id: knownUser, value: '"team"' },
    ]);

    // Nothing received since: nothing linked again; the same window again: the same links, no new rows.
    const after = await identityRows();
    await backfill(Date.now());
    expect(await identityRows()).toBe(after);
    await backfill(since);
    expect(await identityRows()).toBe(after);
    expect(await identities()).toEqual(map);
  });
});
