import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { insertRows, nextVersion } from '../stores/clickhouse/sql';
import { segmentsOfProfileRange, segmentsOfProfiles } from './members';

// Reads by profile go through segment_members' profile-ordered projection, without FINAL: the newest
// version must decide, and rows a lightweight delete removed (merges, segment removal, erasure) must
// not come back through the projection's copy.
describe('segments of profiles', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('answers the latest membership of each profile and forgets deleted rows', async () => {
    const ws = (await createWorkspace(app.postgres.db, 'Members by profile')).id;
    const other = (await createWorkspace(app.postgres.db, 'Other')).id;
    const at = '2026-01-01 00:00:00.000';
    const row = (workspace_id: string, segment_id: string, profile_id: string, is_member: number, version: number) => ({ workspace_id, segment_id, profile_id, is_member, version, changed_at: at });
    const v1 = await nextVersion(app);
    // Enough other members that reading by profile through the projection beats reading the table.
    await app.clickhouse.command({
      query: `INSERT INTO segment_members SELECT {ws:String}, concat('bulk', toString(number % 20)), concat('q', toString(intDiv(number, 20))), 1, {v:UInt64}, {at:DateTime64(3)} FROM numbers(400000)`,
      query_params: { ws, v: v1, at },
    });
    await insertRows(app.clickhouse, 'segment_members', [row(ws, 's1', 'p1', 1, v1), row(ws, 's2', 'p1', 1, v1), row(ws, 's1', 'p2', 1, v1), row(ws, 's1', 'p3', 1, v1), row(other, 's9', 'p1', 1, v1)]);
    const v2 = await nextVersion(app);
    // p1 leaves s2 in a later version, in another part than its entry.
    await insertRows(app.clickhouse, 'segment_members', [row(ws, 's2', 'p1', 0, v2)]);
    await app.clickhouse.command({ query: 'DELETE FROM segment_members WHERE workspace_id = {ws:String} AND profile_id IN {p:Array(String)}', query_params: { ws, p: ['p2', 'q7'] } });

    const found = await segmentsOfProfiles(app, ws, ['p1', 'p2', 'p3', 'p4', 'q7', 'q8']);
    const bulk = Array.from({ length: 20 }, (_, i) => `bulk${i}`).sort();
    expect(Object.fromEntries(found)).toEqual({ p1: ['s1'], p3: ['s1'], q8: bulk });
    // A range of profile ids (a page of a pass in id order) answers the same for the profiles in it.
    expect(Object.fromEntries(await segmentsOfProfileRange(app, ws, 'p1', 'p3'))).toEqual({ p1: ['s1'], p3: ['s1'] });
    expect(Object.fromEntries(await segmentsOfProfileRange(app, ws, 'q8', 'q8'))).toEqual({ q8: bulk });
    expect(await segmentsOfProfileRange(app, ws, 'q7', 'q7')).toEqual(new Map());

    // Merged parts keep the same answers.
    await app.clickhouse.command({ query: 'OPTIMIZE TABLE segment_members FINAL' });
    expect(Object.fromEntries(await segmentsOfProfiles(app, ws, ['p1', 'p2', 'p3', 'q7', 'q8']))).toEqual({ p1: ['s1'], p3: ['s1'], q8: bulk });
  });
});
