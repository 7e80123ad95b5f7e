import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { getProfile, recomputeFeatures } from './index';
import { daysAgo, ingest } from '../testing/profiles';

// What the browser SDK sends for one page view: the page, its scroll milestones and the `$pageleave`
// with the deepest point, all stamped with the session and the page's number in it.
function pageView(anonymousId: string, session: string, n: number, milestones: number[], maxScroll?: number) {
  const context = { sessionId: session, session: { id: session, pages: n } };
  const at = daysAgo(1);
  return [
    { type: 'page', anonymousId, properties: { path: `/p${n}` }, context, timestamp: at },
    ...milestones.map((depth) => ({ type: 'track', event: '$scroll', anonymousId, properties: { depth }, context, timestamp: at })),
    ...(maxScroll === undefined ? [] : [{ type: 'track', event: '$pageleave', anonymousId, properties: { path: `/p${n}`, max_scroll: maxScroll }, context, timestamp: at }]),
  ];
}

describe('average scroll depth', () => {
  let app: TestApp;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  beforeAll(async () => {
    app = await createTestApp({ postgres: 'pglite' });
    ws = await createWorkspace(app.postgres.db, 'scroll-depth');
  });
  afterAll(() => app?.close());

  const depth = async (id: string) => (await getProfile(app, ws.id, id))!.features!.avg_scroll_depth;

  it('averages each page view’s deepest point, not every milestone', async () => {
    await ingest(app, ws.id, [...pageView('reader', 's1', 1, [25, 50, 75, 100], 100), ...pageView('reader', 's1', 2, [25, 50, 75, 100], 100)]);
    expect(await depth('reader')).toBe(100);

    await ingest(app, ws.id, [...pageView('skimmer', 's2', 1, [25, 50], 50), ...pageView('skimmer', 's2', 2, [25, 50, 75, 100], 100)]);
    expect(await depth('skimmer')).toBe(75);

    // The same from a full recompute of the workspace.
    await recomputeFeatures(app, ws.id);
    expect(await depth('reader')).toBe(100);
    expect(await depth('skimmer')).toBe(75);
  });

  it('takes the deepest of milestones and $pageleave, keeps page views apart across sessions and bounds what a client claims', async () => {
    await ingest(app, ws.id, [
      ...pageView('mixed', 's3', 1, [25], 40), // left at 40 % after the 25 % milestone
      ...pageView('mixed', 's3', 2, [25, 50]), // $pageleave lost: the milestones alone
      ...pageView('mixed', 's4', 2, [], 1e9), // a claimed depth beyond 100 counts as 100
    ]);
    expect(await depth('mixed')).toBe((40 + 50 + 100) / 3);
  });
});
