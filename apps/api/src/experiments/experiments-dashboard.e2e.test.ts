import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import { assignVariant, createExperiment, type Experiment } from '.';

// The Experiments page and a readout in the built dashboard, in real Chromium. Run `pnpm --filter
// @overture/dashboard build` first when running alone (the test command does).
let server: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await signedInDashboard(server));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const at = Date.parse('2026-04-01T09:00:00Z');

/** Exposures by the experiment's hash; B converts at `rateB`, A at 10 %; `keepB` of B's exposures are logged. */
async function seed(e: Experiment, n: number, rateB: number, keepB = 1) {
  const ws = server.workspace.id;
  const rows = [];
  for (let i = 0; i < n; i++) {
    const id = `${e.key}-${i}`;
    const { variant } = assignVariant(e, id);
    const track = (event: string, t: number, properties: Record<string, unknown>, messageId: string) =>
      normalizeEvent({ type: 'track', event, anonymousId: id, messageId, timestamp: new Date(t).toISOString(), properties } as never, { workspaceId: ws, receivedAt: Date.now() });
    // Deterministic shares: every k-th profile converts, every k-th of B's exposures is lost.
    if (variant === 'A' || i % 100 < keepB * 100) rows.push(track('$experiment_exposure', at, { experiment: e.key, variant }, `x-${id}`));
    if (i % 1000 < (variant === 'B' ? rateB : 0.1) * 1000) rows.push(track('Order Completed', at + 3_600_000, { revenue: 30 }, `o-${id}`));
  }
  await insertEvents(server.app.clickhouse, rows);
}

const experiment = (key: string) =>
  createExperiment(server.app.postgres.db, server.workspace.id, {
    key,
    name: key,
    kind: 'onsite',
    variants: [
      { name: 'A', weight: 50 },
      { name: 'B', weight: 50 },
    ],
    metrics: [{ kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 48 }],
  });

describe('experiments page', () => {
  it('lists experiments, reads one out with its interval around zero, and picks the winner', async () => {
    const won = await experiment('hero-banner');
    await seed(won, 20_000, 0.14);
    const broken = await experiment('broken-banner');
    await seed(broken, 20_000, 0.1, 0.85);

    await page.goto(`${server.url}/w/${server.workspace.id}/experiments`);
    const table = page.getByTestId('experiments-table');
    await table.getByText('hero-banner').waitFor();
    const row = (name: string) => table.locator('tr', { hasText: name }).locator('td');
    expect(await row('hero-banner').allTextContents()).toEqual(['hero-banner', 'Onsite variants', 'Running', '20,000', expect.stringMatching(/^\d+\.\d$/), 'Winner: B']);
    expect(await row('broken-banner').nth(5).textContent()).toBe('Sample ratio mismatch');

    await table.getByRole('link', { name: 'hero-banner' }).click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor();
    expect(await verdict.textContent()).toContain('B beats the control on Ordered');
    expect(await page.getByTestId('srm-warning').count()).toBe(0);
    // The readout says when it was computed; Refresh recomputes it.
    expect(await page.getByTestId('readout-as-of').textContent()).toMatch(/^As of \S/);
    const refreshed = page.waitForResponse((r) => r.url().includes('experiments.refreshReadout'));
    await page.getByRole('button', { name: 'Refresh' }).click();
    expect((await refreshed).status()).toBe(200);
    await page.getByRole('button', { name: 'Refresh' }).waitFor();
    const readout = page.getByTestId('readout-Ordered');
    const b = readout.locator('tr', { hasText: /^B/ }).locator('td');
    expect((await b.allTextContents()).slice(0, 3)).toEqual(['B', expect.stringMatching(/^\d{1,2},\d{3}$/), expect.stringMatching(/^1[34]\.\d\d %$/)]);
    // The interval lies right of zero, in the "better" colour.
    const svg = b.nth(4).locator('svg');
    expect(await svg.getAttribute('class')).toBe('interval interval-better');
    const zero = Number(await svg.locator('line').getAttribute('x1'));
    expect(Number(await svg.locator('rect').getAttribute('x'))).toBeGreaterThan(zero);

    // Each variant's people download as CSV, through the same streamed, session-checked route as any audience.
    const exports = page.getByLabel("Export each variant's people").getByRole('link');
    expect(await exports.allTextContents()).toEqual([expect.stringMatching(/^A \(\d{1,2},\d{3}\)$/), expect.stringMatching(/^B \(\d{1,2},\d{3}\)$/)]);
    const href = (await exports.nth(1).getAttribute('href'))!;
    expect(href).toBe(`/export/audience.csv?workspaceId=${server.workspace.id}&experiment=${won.id}&variant=B`);
    const csv = await page.request.get(server.url + href);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-disposition']).toBe('attachment; filename="hero-banner-b.csv"');
    expect((await csv.text()).split('\r\n')[0]).toBe('profile_id,user_id,name,email,first_seen,last_seen,orders,revenue,rfm,rfm_segment,cltv');

    await page.getByRole('button', { name: 'Pick B (100 %)' }).click();
    await page.getByText('Winner: B', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Stop experiment' }).count()).toBe(0);

    await page.goto(`${server.url}/w/${server.workspace.id}/experiments/broken-banner`);
    await page.getByTestId('srm-warning').waitFor();
    expect(await page.getByTestId('verdict').textContent()).toContain('Sample ratio mismatch');

    // As a bandit its weights move, so the sample-ratio check no longer applies; the weights' history is drawn.
    await page.getByRole('button', { name: 'Switch to a bandit' }).click();
    // One re-weighting so far: a dot per variant, and the legend names both.
    await page.getByTestId('weights-chart').locator('.recharts-line-dots circle').first().waitFor();
    expect(await page.getByTestId('weights-chart').locator('.recharts-line-dots circle').count()).toBe(2);
    expect(await page.getByTestId('weights-chart').locator('.recharts-legend-item').allTextContents()).toEqual(['A', 'B']);
    expect(await page.getByTestId('srm-warning').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Switch to a bandit' }).count()).toBe(0);
  });
});
