import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { demoSamplePath } from '../demo/seed';
import { latestInvoiceDate, loadRetailCsv } from '../demo/load-retail';
import { seedDemoSegments } from '../demo/demo-segments';
import { selectRows } from '../stores/clickhouse/sql';
import { signedInDashboard } from '../testing/dashboard-harness';

// Every page of the dashboard, filled with the demo's data (a sample of the UCI Online Retail data set),
// at the two widths marketers' laptops have: nothing runs off the screen or out of its box, and the
// console stays clean. Screenshots land in /tmp/overture-layout-<page>-<width>.png for a look.

let server: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

const dir = mkdtempSync(join(tmpdir(), 'overture-layout-'));

beforeAll(async () => {
  server = await startTestServer();
  // The demo sample's first 8,000 lines: a few hundred customers, enough for every page to fill up.
  const sample = join(dir, 'sample.csv');
  writeFileSync(sample, gunzipSync(readFileSync(demoSamplePath)).toString('utf8').split('\n').slice(0, 8001).join('\n'));
  const latest = await latestInvoiceDate(sample);
  const dayMs = 86_400_000;
  await loadRetailCsv(server.app, server.workspace.id, sample, { shiftMs: Math.floor((Date.now() - latest!.getTime()) / dayMs) * dayMs });
  await server.app.writer.drain();
  await seedDemoSegments(server.app, server.workspace.id);
  ({ browser, page } = await signedInDashboard(server, { width: 1280, height: 900 }));
  page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${String(e)}`));
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Elements whose content is wider than their box while they let it show (so it spills over what is next to it). */
const spills = () =>
  page.evaluate(`(() => {
    const found = [];
    if (document.documentElement.scrollWidth > innerWidth) found.push('the page is ' + document.documentElement.scrollWidth + 'px wide in a ' + innerWidth + 'px window');
    for (const el of document.querySelectorAll('body *')) {
      if (el instanceof SVGElement || el.closest('svg') || el.clientWidth === 0) continue;
      if (getComputedStyle(el).overflowX !== 'visible' || el.scrollWidth <= el.clientWidth + 2) continue;
      found.push('<' + el.localName + ' class="' + el.className + '"> content ' + el.scrollWidth + 'px in ' + el.clientWidth + 'px: "' + (el.textContent || '').trim().slice(0, 60) + '"');
    }
    return found;
  })()`) as Promise<string[]>;

/**
 * The page's heading is up and no query is in flight (the shell marks its main area busy while one
 * is), for a few frames in a row: a query that starts once another answers does so within a frame.
 */
async function dataArrived() {
  await page.locator('main h1').first().waitFor();
  const idleFrame = `new Promise((resolve) => requestAnimationFrame(() => resolve(document.querySelector('main')?.getAttribute('aria-busy') === 'false')))`;
  for (let idle = 0; idle < 3; ) idle = (await page.evaluate(idleFrame)) ? idle + 1 : 0;
}

it('lays out every page within 1,280 and 1,440 px, with no console errors', async () => {
  const ws = server.workspace.id;
  const [someone] = await selectRows<{ id: string }>(server.app.clickhouse, `SELECT profile_id AS id FROM profile_features FINAL WHERE workspace_id = {ws:String} AND orders > 1 ORDER BY net_revenue DESC LIMIT 1`, { ws });
  const paths = ['overview', 'events', 'install', 'journeys', 'journey-settings', 'profiles', `profiles/${someone!.id}`, 'segments', 'rfm', 'campaigns', 'messages', 'channels', 'catalog', 'recommendations', 'onsite', 'experiments', 'account'];
  const problems: string[] = [];
  for (const width of [1280, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    for (const path of paths) {
      await page.goto(`${server.url}/w/${ws}/${path}`);
      await dataArrived();
      problems.push(...(await spills()).map((p) => `${path} at ${width}px: ${p}`));
      await page.screenshot({ path: `/tmp/overture-layout-${path.replace(/\//g, '-').slice(0, 40)}-${width}.png`, fullPage: true });
    }
  }
  expect(problems).toEqual([]);
  expect(errors).toEqual([]);
}, 240_000);
