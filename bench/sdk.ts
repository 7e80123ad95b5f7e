// pnpm bench:sdk — size of the full browser SDK (minified, gzip -9) against the npm builds of
// posthog-js, @snowplow/browser-tracker, @segment/analytics-next and @rudderstack/analytics-js, each
// bundled here by esbuild from a tiny entry that imports and initialises it (dynamic imports inlined,
// so a peer's lazily loaded parts count too); then the main-thread time of init + first page view in
// Chromium, with posthog-js measured the same way as the baseline.
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { build, type BuildOptions } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { browserBuildOptions, captureBuildOptions } from '@overture/sdk/build';
import { percentile, round } from './lib/stats';

const peers: Record<string, string> = {
  'posthog-js': `import posthog from 'posthog-js'; posthog.init('phc_bench', { api_host: 'https://bench.local' }); posthog.capture('$pageview');`,
  '@snowplow/browser-tracker': `import { newTracker, trackPageView } from '@snowplow/browser-tracker'; newTracker('sp', 'https://bench.local', { appId: 'bench' }); trackPageView();`,
  '@segment/analytics-next': `import { AnalyticsBrowser } from '@segment/analytics-next'; AnalyticsBrowser.load({ writeKey: 'bench' }).page();`,
  '@rudderstack/analytics-js': `import { RudderAnalytics } from '@rudderstack/analytics-js'; const r = new RudderAnalytics(); r.load('bench', 'https://bench.local'); r.page();`,
};

const peerOptions: BuildOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  platform: 'browser',
  legalComments: 'none',
  write: false,
  logLevel: 'silent',
  define: { 'process.env.NODE_ENV': '"production"' },
};

const gz = (code: Uint8Array) => gzipSync(code, { level: 9 }).length;
const key = (name: string) => name.replace(/^@/, '').replace(/[^a-z0-9]+/gi, '_');

async function bundle(options: BuildOptions): Promise<Uint8Array> {
  const out = await build(options);
  return out.outputFiles![0]!.contents;
}

const ours = await bundle(browserBuildOptions);
const deepModule = await bundle(captureBuildOptions);
// Peers are counted with their lazily loaded parts, so ours is too: the core script plus the deep capture module.
const coreBytes = gz(ours);
const sdkBytes = coreBytes + gz(deepModule);
console.log(`sdk_core_gzip_bytes=${coreBytes}`);
console.log(`sdk_capture_module_gzip_bytes=${gz(deepModule)}`);
console.log(`sdk_gzip_bytes=${sdkBytes}`);
console.log(`sdk_min_bytes=${ours.length + deepModule.length}`);

const peerBytes: Record<string, number> = {};
for (const [name, entry] of Object.entries(peers)) {
  const code = await bundle({ ...peerOptions, stdin: { contents: entry, resolveDir: import.meta.dirname, loader: 'js' } });
  peerBytes[name] = gz(code);
  console.log(`${key(name)}_gzip_bytes=${peerBytes[name]}`);
}
const smallest = Math.min(...Object.values(peerBytes));
console.log(`ratio_to_smallest_peer=${round(sdkBytes / smallest, 3)}`);

/**
 * Main-thread milliseconds of `init` + the first page view on a fresh visit (empty storage), timed in
 * the page with performance.now() around the calls; delivery is asynchronous and not included.
 */
async function initPlusPageview(browser: Browser, script: string, call: string, runs: number): Promise<{ sync: number[]; deferred: number[] }> {
  const times: number[] = [];
  const deferred: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    await ctx.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title><h1>Product</h1>' });
      if (url.pathname === '/sdk.js') return route.fulfill({ contentType: 'text/javascript', body: script });
      if (url.pathname === '/sdk/capture.js') return route.fulfill({ contentType: 'text/javascript', body: Buffer.from(deepModule).toString(), headers: { 'access-control-allow-origin': '*' } });
      return route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    });
    const page = await ctx.newPage();
    await page.goto('https://bench.local/');
    await page.addScriptTag({ url: '/sdk.js' });
    const [sync, withDeferred] = await page.evaluate(`new Promise((resolve) => {
      const t0 = performance.now(); ${call}; const t1 = performance.now();
      // The tasks the calls queued right away (storage writes, adopting earlier queues) run before this one.
      setTimeout(() => resolve([t1 - t0, performance.now() - t0]), 0);
    })`) as [number, number];
    times.push(sync);
    deferred.push(withDeferred);
    await ctx.close();
  }
  const sorted = (a: number[]) => a.sort((x, y) => x - y);
  return { sync: sorted(times), deferred: sorted(deferred) };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const runs = 21;
  const sdkTimes = await initPlusPageview(browser, Buffer.from(ours).toString(), `overture.init('wk_bench', { host: 'https://bench.local' }); overture.page()`, runs);
  // The baseline: posthog-js (exposed as a global, not initialised on load) timed the same way.
  const posthog = await bundle({ ...peerOptions, globalName: 'ph', stdin: { contents: "export { default } from 'posthog-js';", resolveDir: import.meta.dirname, loader: 'js' } });
  const phTimes = await initPlusPageview(browser, Buffer.from(posthog).toString(), `ph.default.init('phc_bench', { api_host: 'https://bench.local' }); ph.default.capture('$pageview')`, runs);
  console.log(`init_plus_pageview_ms=${round(percentile(sdkTimes.sync, 50), 3)}`);
  console.log(`init_plus_pageview_ms_p95=${round(percentile(sdkTimes.sync, 95), 3)}`);
  console.log(`init_plus_pageview_with_deferred_tasks_ms=${round(percentile(sdkTimes.deferred, 50), 3)}`);
  console.log(`baseline_posthog_init_plus_pageview_ms=${round(percentile(phTimes.sync, 50), 3)}`);
  console.log(`baseline_posthog_with_deferred_tasks_ms=${round(percentile(phTimes.deferred, 50), 3)}`);
  console.log(`load_average_1m=${round(loadavg()[0]!, 2)}`);
} finally {
  await browser.close();
}
