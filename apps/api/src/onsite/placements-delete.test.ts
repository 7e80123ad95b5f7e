import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '../testing';
import { deletePlacement, getPlacement, savePlacement } from './placements';

// PGlite's driver reports no row count for a delete: the answer must come from the rows themselves.
describe.each(['pglite', 'postgres'] as const)('deleting a placement (%s)', (postgres) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ postgres });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('says it deleted one that existed, and not one that did not', async () => {
    const ws = await createWorkspace(app.postgres.db, 'delete-placement');
    const p = await savePlacement(app, ws.id, { name: 'Spring sale', kind: 'top_bar', content: 'Spring' });
    expect(await deletePlacement(app, ws.id, p.id)).toBe(true);
    expect(await getPlacement(app, ws.id, p.id)).toBeFalsy();
    expect(await deletePlacement(app, ws.id, p.id)).toBe(false);
  });
});
