import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { named, startSite, type Site } from '../testing/browser-harness';

// Engaged vs idle time and exit intent in Chromium; the page's clock is Playwright's, so 45 idle
// seconds pass in an instant while timers and performance.now() move as they would.
let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(() => site?.close());
beforeEach(() => site.fresh());

describe('browser SDK engagement', () => {
  it('tells engaged from idle time, reports coming back after 30 s idle, and sees exit intent once per page', async () => {
    site.page('/article', site.html('<article style="height:2000px">A long article</article>'));
    const ctx = await site.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await ctx.newPage();
    await page.clock.install();
    await page.goto(`${site.url}/article`);
    await site.waitFor((ev) => named(ev, 'page').length === 1);

    for (let i = 0; i < 4; i++) {
      await page.mouse.move(100 + i * 50, 200 + i * 20);
      await page.clock.runFor(1_500);
    }
    await page.clock.fastForward(45_000); // the reader left the visible page alone
    await page.mouse.move(500, 300);
    await page.clock.runFor(1_500);

    // The pointer heads for the tabs twice: one exit intent.
    for (let i = 0; i < 2; i++) {
      await page.mouse.move(500, 5);
      await page.mouse.move(500, -10);
      await page.mouse.move(500, 300);
      await page.clock.runFor(300);
    }
    await page.goto(`${site.url}/elsewhere`);

    const events = await site.waitFor((ev) => named(ev, '$pageleave').length === 1 && named(ev, '$exit_intent').length >= 1);
    const idle = named(events, '$idle');
    expect(idle).toHaveLength(1);
    expect(idle[0]!.properties.idle_ms).toBeGreaterThanOrEqual(14_000);
    expect(idle[0]!.properties.idle_ms).toBeLessThan(20_000);
    expect(named(events, '$exit_intent')).toHaveLength(1);
    const leave = named(events, '$pageleave')[0]!.properties as { duration_ms: number; engaged_ms: number; idle_ms: number };
    expect(leave.duration_ms).toBeGreaterThanOrEqual(50_000);
    expect(leave.idle_ms).toBeGreaterThanOrEqual(14_000);
    expect(leave.engaged_ms + leave.idle_ms).toBe(leave.duration_ms);
    expect(leave.engaged_ms).toBeLessThan(leave.duration_ms - 14_000);
    await ctx.close();
  });
});
