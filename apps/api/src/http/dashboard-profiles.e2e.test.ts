import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { postBatch, startTestServer, type TestServer } from '../testing';
import { findProfileId } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { audiencePages, recomputeWorkspace } from '../segments';
import { recordOutcomes } from '../channels/outcomes';
import { signedInDashboard } from '../testing/dashboard-harness';

// Profiles, segments and RFM in the built dashboard, in real Chromium, over data ingested through
// the HTTP API and processed by the real worker. Run `pnpm --filter @overture/dashboard build` first
// when running alone (the test command does).

const day = 86_400_000;

/** The fixture: who bought when (days ago), with which traits. */
const customers = [
  { id: 'c-alice', email: 'alice@example.com', plan: 'gold', orders: [5, 40, 80] },
  { id: 'c-bob', email: 'bob@example.com', plan: 'basic', orders: [100] },
  { id: 'c-carol', email: 'carol@example.com', plan: 'basic', orders: [2, 30] },
  { id: 'c-dan', email: 'dan@example.com', plan: 'gold', orders: [200] },
  { id: 'c-erin', email: 'erin@example.com', plan: 'gold', orders: [1, 10, 20, 60] },
  { id: 'c-frank', email: 'frank@example.com', plan: 'basic', orders: [] as number[] },
];
/** Alice browsed anonymously before signing in: enough page views for the timeline to need several pages. */
const anonymousPages = 70;

let server: TestServer;
let browser: Browser;
let page: Page;
let ws: string;
let aliceProfile: string;

async function sendBatch(batch: Array<Record<string, unknown>>): Promise<void> {
  expect((await postBatch(server, batch)).status).toBe(200);
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ago = (days: number, minutes = 0) => new Date(Date.now() - days * day - minutes * 60_000).toISOString();
const wsPath = (...parts: string[]) => `${server.url}/w/${ws}/${parts.join('/')}`;

beforeAll(async () => {
  server = await startTestServer({ worker: true });
  ws = server.workspace.id;

  // Known customers and their orders, and Alice's anonymous browsing: two separate profiles at first.
  await sendBatch([
    ...customers.map((c) => ({ type: 'identify', userId: c.id, timestamp: ago(300), traits: { email: c.email, plan: c.plan } })),
    ...customers.flatMap((c) =>
      c.orders.map((d, i) => ({ type: 'track', event: 'Order Completed', userId: c.id, timestamp: ago(d), properties: { order_id: `${c.id}-${i}`, revenue: 40 + 10 * i } })),
    ),
    ...Array.from({ length: anonymousPages }, (_, i) => ({ type: 'page', anonymousId: 'anon-alice', timestamp: ago(3, i), properties: { path: `/products/${i % 7}` } })),
  ]);
  await waitFor('profiles', async () => (await Promise.all(['anon-alice', ...customers.map((c) => c.id)].map((id) => findProfileId(server.app, ws, id)))).every(Boolean));
  // Signing in links the anonymous history to Alice: a merge the timeline must show.
  await sendBatch([{ type: 'identify', userId: 'c-alice', anonymousId: 'anon-alice', timestamp: ago(0, 5) }]);
  aliceProfile = await waitFor('merge', async () => {
    const [a, b] = await Promise.all([findProfileId(server.app, ws, 'anon-alice'), findProfileId(server.app, ws, 'c-alice')]);
    return a && a === b ? a : null;
  });
  // A message outcome of Alice's: part of the unified timeline too.
  await recordOutcomes(server.app, [{ workspaceId: ws, messageId: 'msg-1', profileId: aliceProfile, channel: 'email', kind: 'open', at: new Date(Date.now() - 60_000) }]);
  await recomputeWorkspace(server.app, ws);

  ({ browser, page } = await signedInDashboard(server));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('profiles, segments and RFM in Chromium', () => {
  it('searches a profile by trait value and by user id', async () => {
    await page.getByRole('link', { name: 'Profiles', exact: true }).click();
    await page.getByLabel('Search profiles').fill('alice@example');
    await page.getByLabel('Search profiles').press('Enter');
    const results = page.locator('table.search-results tbody tr');
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    expect(await results.first().locator('a').textContent()).toBe(aliceProfile);
    expect(await results.first().textContent()).toContain('alice@example.com');

    // `plan` is gold for three customers: a trait-value search lists each once.
    await page.getByLabel('Search profiles').fill('gold');
    await page.getByLabel('Search profiles').press('Enter');
    await page.getByText('3 profiles matching “gold”').waitFor();

    await page.getByLabel('Search profiles').fill('c-bob');
    await page.getByLabel('Search profiles').press('Enter');
    await page.getByText('1 profile matching “c-bob”').waitFor();
    expect(await results.first().textContent()).toContain('bob@example.com');
  });

  it('opens a profile with its traits, features, RFM and the whole timeline, page by page', async () => {
    await page.goto(wsPath('profiles') + '?q=alice%40example.com');
    await page.locator('table.search-results a').first().click();
    await page.waitForURL(`**/profiles/${aliceProfile}`);
    expect(await page.getByTestId('profile-title').textContent()).toBe('alice@example.com');
    expect(await page.getByTestId('traits').textContent()).toContain('gold');
    const features = page.getByRole('region', { name: 'Features' });
    for (const group of ['Site-wide', 'Page visits', 'Deep engagement', 'Acquisition', 'Commerce', 'Reachability']) await features.getByRole('heading', { name: group }).waitFor();
    const [stored] = await selectRows<{ rfm_segment: string; orders: number }>(
      server.app.clickhouse,
      `SELECT rfm_segment, orders FROM profile_features WHERE workspace_id = {ws:String} AND profile_id = {p:String}`,
      { ws, p: aliceProfile },
    );
    expect(await page.getByTestId('rfm-segment').textContent()).toBe(stored!.rfm_segment);
    expect(await features.locator('.kv-row', { hasText: 'Orders' }).first().locator('dd').textContent()).toBe(String(stored!.orders));

    const timeline = page.getByTestId('timeline');
    await timeline.locator('.timeline-item').first().waitFor();
    // The newest items: the message opened a minute ago, then the sign-in that merged the anonymous profile.
    expect(await timeline.locator('.tl-message .tl-title').allTextContents()).toEqual(['email message open']);
    expect(await timeline.locator('.tl-merge').count()).toBe(1);
    expect(await timeline.locator('.tl-event, .tl-page, .tl-identify').count()).toBe(50);

    const [{ n }] = (await selectRows<{ n: string }>(
      server.app.clickhouse,
      `SELECT count() AS n FROM events WHERE workspace_id = {ws:String} AND distinct_id IN ('anon-alice', 'c-alice')`,
      { ws },
    )) as [{ n: string }];
    const started = Date.now();
    while (await page.getByRole('button', { name: 'Load more' }).isVisible()) {
      const before = await timeline.locator('.timeline-item').count();
      await page.getByRole('button', { name: 'Load more' }).click();
      await waitFor('next page', async () => (await timeline.locator('.timeline-item').count()) > before);
    }
    const pagingMs = Date.now() - started;
    await page.getByText('Beginning of the history.').waitFor();
    expect(await timeline.locator('.tl-event, .tl-page, .tl-identify, .tl-segment').count()).toBe(Number(n));
    expect(await timeline.locator('.tl-page').count()).toBe(anonymousPages);
    expect(await timeline.locator('.tl-event .tl-title', { hasText: 'Order Completed' }).count()).toBe(3);
    expect(pagingMs).toBeLessThan(10_000);
    console.log(`timeline: ${n} events in ${Math.ceil(Number(n) / 50)} pages, loaded in ${pagingMs} ms`);
    await page.screenshot({ path: '/tmp/overture-dashboard-profile.png', fullPage: true });
  });

  it('builds a segment with a live size estimate equal to the matching profiles, then saves it', async () => {
    const buyersWith = async (minOrders: number) =>
      Number(
        (
          await selectRows<{ n: string }>(
            server.app.clickhouse,
            `SELECT count() AS n FROM (SELECT user_id FROM events WHERE workspace_id = {ws:String} AND event = 'Order Completed' GROUP BY user_id HAVING count() >= {min:UInt32})`,
            { ws, min: minOrders },
          )
        )[0]!.n,
      );
    const estimate = () => page.getByTestId('estimate-size').textContent();

    await page.goto(wsPath('segments'));
    await page.getByRole('link', { name: 'New segment' }).click();
    await page.waitForURL('**/segments/new');
    // The new segment starts with an empty event condition: flagged inline, no estimate asked.
    const leaf = page.locator('.cond-leaf').first();
    await leaf.getByRole('alert').getByText('name the event').waitFor();
    await page.getByText('Fix the error below to see the size.').waitFor();

    await page.getByLabel('Event name').fill('Order Completed');
    await expect.poll(estimate, { timeout: 10_000 }).toBe(String(await buyersWith(1)));
    await page.getByLabel('Count', { exact: true }).fill('2');
    await expect.poll(estimate, { timeout: 10_000 }).toBe(String(await buyersWith(2)));

    await page.getByLabel('Add condition').first().selectOption('trait');
    await page.getByLabel('Trait name').fill('plan');
    await page.getByText('enter a value').waitFor();
    await page.getByLabel('Trait value').fill('gold');
    const goldRepeat = customers.filter((c) => c.plan === 'gold' && c.orders.length >= 2);
    await expect.poll(estimate, { timeout: 10_000 }).toBe(String(goldRepeat.length));
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByLabel('Name', { exact: true }).fill('Gold repeat buyers');
    await page.screenshot({ path: '/tmp/overture-dashboard-builder.png', fullPage: true });
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.waitForURL(/\/segments\/seg_[0-9a-f]+$/);
    const members = page.locator('.members-table tbody a');
    await members.first().waitFor();
    const expectedIds = await Promise.all(goldRepeat.map((c) => findProfileId(server.app, ws, c.id)));
    // People by name or email (here, their email), each linking to its profile.
    expect((await members.allTextContents()).sort()).toEqual(goldRepeat.map((c) => c.email).sort());
    expect((await members.evaluateAll((as) => as.map((a) => a.getAttribute('title')))).sort()).toEqual(expectedIds.sort());

    // The server has the last word: a second segment of the same name is refused, naming the field.
    await page.goto(wsPath('segments', 'new'));
    await page.getByLabel('Event name').fill('Order Completed');
    await page.getByLabel('Name', { exact: true }).fill('Gold repeat buyers');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByText('Could not save: name: a segment named "Gold repeat buyers" already exists').waitFor();
    // Under another name it saves; then delete it again.
    await page.getByLabel('Name', { exact: true }).fill('Throwaway');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('heading', { name: 'Segment: Throwaway' }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/segments$/);
    await page.locator('table.segments-table').getByText('Gold repeat buyers').waitFor();
    expect(await page.locator('table.segments-table').getByText('Throwaway').count()).toBe(0);

    await page.getByRole('link', { name: 'Segments', exact: true }).click();
    const row = page.locator('table.segments-table tr', { hasText: 'Gold repeat buyers' });
    expect(await row.getByTestId('segment-size').textContent()).toBe(String(goldRepeat.length));
    await page.locator('table.pie-table tr', { hasText: 'Gold repeat buyers' }).waitFor();
    await page.locator('[data-testid=pie-chart] .recharts-bar-rectangle').first().waitFor();
    await page.screenshot({ path: '/tmp/overture-dashboard-segments.png', fullPage: true });
  });

  it('shows the RFM grid and lists the profiles of a clicked cell', async () => {
    const [cell] = await selectRows<{ r: number; f: number }>(
      server.app.clickhouse,
      `SELECT rfm_r AS r, rfm_f AS f FROM profile_features WHERE workspace_id = {ws:String} AND profile_id = {p:String}`,
      { ws, p: aliceProfile },
    );
    const { r, f } = { r: Number(cell!.r), f: Number(cell!.f) };
    const inCell = await selectRows<{ profile_id: string }>(
      server.app.clickhouse,
      `SELECT profile_id FROM profile_features WHERE workspace_id = {ws:String} AND rfm_r = {r:UInt8} AND rfm_f = {f:UInt8}`,
      { ws, r, f },
    );
    const buyers = customers.filter((c) => c.orders.length > 0).length;

    await page.getByRole('link', { name: 'RFM', exact: true }).click();
    await page.getByText(`${buyers} customers ·`).waitFor();
    expect(await page.getByTestId(`rfm-cell-${r}-${f}`).textContent()).toBe(String(inCell.length));
    await page.getByRole('button', { name: new RegExp(`^R ${r} F ${f}:`) }).click();
    await page.waitForURL(new RegExp(`cell=${r}-${f}`));
    const links = page.locator('table.rfm-cell-table tbody a');
    await links.first().waitFor();
    expect((await links.evaluateAll((as) => as.map((a) => a.getAttribute('title')))).sort()).toEqual(inCell.map((x) => x.profile_id).sort());
    expect(await links.allTextContents()).toContain('alice@example.com');

    // Revenue view: the same grid, by net revenue.
    await page.getByRole('button', { name: 'Revenue', exact: true }).click();
    await page.waitForURL(/metric=revenue/);
    const [revenue] = await selectRows<{ v: number }>(
      server.app.clickhouse,
      `SELECT round(sum(net_revenue), 2) AS v FROM profile_features WHERE workspace_id = {ws:String} AND rfm_r = {r:UInt8} AND rfm_f = {f:UInt8}`,
      { ws, r, f },
    );
    expect(await page.getByTestId(`rfm-cell-${r}-${f}`).textContent()).toBe(Number(revenue!.v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    await page.screenshot({ path: '/tmp/overture-dashboard-rfm.png', fullPage: true });

    await links.filter({ hasText: 'alice@example.com' }).click();
    await page.waitForURL(`**/profiles/${aliceProfile}`);
    expect(await page.getByTestId('profile-title').textContent()).toBe('alice@example.com');
    // Her segment membership, from the segment built above.
    await page.getByRole('region', { name: 'Segments' }).getByRole('link', { name: 'Gold repeat buyers' }).waitFor();

    // The cell saved as a segment has the cell's customers as members.
    await page.goBack();
    await page.getByRole('button', { name: 'Save as segment' }).click();
    await page.waitForURL(/\/segments\/seg_[0-9a-f]+$/);
    await page.getByRole('heading', { name: `Segment: RFM R${r} F${f}` }).waitFor();
    const members = page.locator('.members-table tbody a');
    await members.first().waitFor();
    expect((await members.evaluateAll((as) => as.map((a) => a.getAttribute('title')))).sort()).toEqual(inCell.map((x) => x.profile_id).sort());
  });

  it('lists everyone sorted by revenue, filters by a segment, and exports either list as CSV', async () => {
    const stored = await selectRows<{ profile_id: string; net_revenue: number }>(
      server.app.clickhouse,
      `SELECT profile_id, net_revenue FROM profile_features FINAL WHERE workspace_id = {ws:String} ORDER BY net_revenue DESC, profile_id`,
      { ws },
    );
    const erinProfile = (await findProfileId(server.app, ws, 'c-erin'))!;
    expect(stored[0]!.profile_id).toBe(erinProfile); // four orders: the most revenue

    await page.goto(wsPath('profiles'));
    await page.getByRole('heading', { name: `${stored.length} people` }).waitFor();
    await page.getByLabel('Sort by').selectOption('revenue');
    await page.waitForURL(/sort=revenue/);
    const rows = page.locator('table.profile-list tbody tr');
    await rows.first().getByText('erin@example.com').waitFor();
    expect(await rows.locator('td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('title')))).toEqual(stored.map((x) => x.profile_id));

    // Lowest first, then only the members of a saved segment.
    await page.getByRole('button', { name: 'Sort order' }).click();
    await page.waitForURL(/order=asc/);
    const least = Math.min(...stored.map((x) => Number(x.net_revenue)));
    await expect.poll(() => rows.first().locator('td.num').nth(1).textContent()).toBe(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(least));
    await page.getByLabel('Segment').selectOption({ label: 'Gold repeat buyers' });
    await page.waitForURL(/segment=seg_/);
    const segmentId = new URL(page.url()).searchParams.get('segment')!;
    const members = await selectRows<{ profile_id: string }>(
      server.app.clickhouse,
      `SELECT profile_id FROM segment_members FINAL WHERE workspace_id = {ws:String} AND segment_id = {s:String} AND is_member = 1`,
      { ws, s: segmentId },
    );
    await page.getByRole('heading', { name: `${members.length} ${members.length === 1 ? 'person' : 'people'}` }).waitFor();

    // The export link streams the same people as CSV, with the browser's session.
    const href = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!;
    const csv = await page.request.get(server.url + href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers()['content-disposition']).toBe('attachment; filename="gold-repeat-buyers.csv"');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('profile_id,user_id,name,email,first_seen,last_seen,orders,revenue,rfm,rfm_segment,cltv');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(members.map((m) => m.profile_id).sort());

    const everyone = await page.request.get(`${server.url}/export/audience.csv?workspaceId=${ws}`);
    const everyoneIds = (await everyone.text()).trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0]);
    expect(everyoneIds.sort()).toEqual(stored.map((x) => x.profile_id).sort());
    expect((await everyone.text())).toContain(`${erinProfile},c-erin,,erin@example.com,`);

    // Pages are taken by profile id after the last one sent: each person exactly once, whatever the page size.
    const paged: string[] = [];
    for await (const pageRows of audiencePages(server.app, ws, {}, 2)) paged.push(...pageRows.map((r) => r.id));
    expect(paged).toEqual(stored.map((x) => x.profile_id).sort());

    // Without a session, or for another workspace, nothing is exported.
    expect((await fetch(`${server.url}/export/audience.csv?workspaceId=${ws}`)).status).toBe(401);
    const other = await page.request.get(`${server.url}/export/audience.csv?workspaceId=not-mine`);
    expect(other.status()).toBe(403);
    const badScore = await page.request.get(`${server.url}/export/audience.csv?workspaceId=${ws}&r=9&f=1`);
    expect(badScore.status()).toBe(400);
    expect(await badScore.text()).toContain('r: an RFM score from 1 to 5');

    // Money reads in the workspace's currency, set on the Install page.
    await page.goto(wsPath('install'));
    await page.getByRole('region', { name: 'Currency' }).getByLabel('Currency').selectOption('EUR');
    await page.getByText('Revenue reads like €1,234.50 across the dashboard.').waitFor();
    await page.goto(wsPath('profiles') + '?sort=revenue');
    await page.locator('table.profile-list tbody tr').first().locator('td.num').nth(1).getByText(/^€/).waitFor();
  });

  it('filters the list by an RFM segment name, exports it, and saves it as a segment of the same people', async () => {
    const stored = await selectRows<{ profile_id: string; rfm_segment: string }>(
      server.app.clickhouse,
      `SELECT profile_id, rfm_segment FROM profile_features FINAL WHERE workspace_id = {ws:String} AND rfm_segment != ''`,
      { ws },
    );
    const name = stored[0]!.rfm_segment;
    const expected = stored.filter((x) => x.rfm_segment === name).map((x) => x.profile_id).sort();

    await page.goto(wsPath('profiles'));
    await page.getByLabel('RFM', { exact: true }).selectOption({ label: name });
    await page.waitForURL(/rfm=/);
    await page.getByRole('heading', { name: `${expected.length} ${expected.length === 1 ? 'person' : 'people'}` }).waitFor();
    const rows = page.locator('table.profile-list tbody tr');
    await expect.poll(async () => (await rows.locator('td:first-child a').evaluateAll((as) => as.map((a) => a.getAttribute('title')))).sort()).toEqual(expected);

    const csv = await page.request.get(server.url + (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href'))!);
    expect((await csv.text()).trimEnd().split('\r\n').slice(1).map((l) => l.split(',')[0]).sort()).toEqual(expected);

    await page.getByRole('button', { name: 'Save as segment' }).click();
    expect(await page.getByLabel('Segment name').inputValue()).toBe(name);
    await page.getByLabel('Segment name').fill(`Saved ${name}`);
    await page.getByRole('button', { name: 'Save segment' }).click();
    const saved = page.getByRole('status').getByRole('link', { name: `Saved ${name}` });
    await saved.waitFor();
    const segmentId = (await saved.getAttribute('href'))!.split('/').pop()!;
    const members = await selectRows<{ profile_id: string }>(
      server.app.clickhouse,
      `SELECT profile_id FROM segment_members FINAL WHERE workspace_id = {ws:String} AND segment_id = {s:String} AND is_member = 1`,
      { ws, s: segmentId },
    );
    expect(members.map((m) => m.profile_id).sort()).toEqual(expected);
    await saved.click();
    await page.waitForURL(new RegExp(`/segments/${segmentId}$`));
  });
});
