import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../testing/browser-harness';
import { ingest } from '../testing/profiles';
import { createSegment, refreshSegment } from '../segments';
import { savePlacement } from './index';

// Decide with production's budget while Redis holds back the visitor's first look-up (as a busy
// Redis would): the first page view is answered without the visitor's facts (`partial`), and the SDK
// asks again on the same page to get the personal placements, without showing the first answer's
// placements twice.
let site: Site;
beforeAll(async () => {
  site = await startSite({ env: { DECIDE_BUDGET_MS: '10' } });
}, 120_000);
afterAll(() => site?.close());

describe('decide budget in the browser', () => {
  it('shows what needs no profile at once and the segment placement after asking again', async () => {
    const app = site.api.app;
    const ws = site.workspace;
    await ingest(app, ws.id, [{ type: 'identify', userId: 'vip-late', traits: { first_name: 'Lena', tier: 'vip' } }]);
    const vip = await createSegment(app, ws.id, { name: 'VIP', definition: { type: 'trait', trait: 'tier', op: 'eq', value: 'vip' } });
    await refreshSegment(app, vip);
    await savePlacement(app, ws.id, { name: 'Everyone', kind: 'top_bar', content: '<b>Free delivery</b>' });
    await savePlacement(app, ws.id, { name: 'VIP deal', kind: 'slide_in', content: '<p>Hi {{ profile.traits.first_name }}, 20% off</p>', rules: { segments: [vip.id] } });
    // The view answers in well under a millisecond here: decide's first read of the visitor (one
    // script over the view's keys, on decide's own connection) is held back past the budget.
    const duplicate = app.redis.duplicate.bind(app.redis);
    let held = 0;
    app.redis.duplicate = ((...args: Parameters<typeof duplicate>) => {
      const reader = duplicate(...args);
      const send = reader.sendCommand.bind(reader);
      let heldBack = false;
      reader.sendCommand = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
        const readsTheView = command.args.some((a) => String(a).includes(':onsite:'));
        if (heldBack || !readsTheView) return send(command, ...(rest as []));
        heldBack = true;
        held++;
        setTimeout(() => send(command, ...(rest as [])), 200);
        return command.promise;
      }) as typeof reader.sendCommand;
      return reader;
    }) as typeof app.redis.duplicate;
    site.page('/products/*', site.html(`<h1>Mug</h1><script>overture.identify('vip-late')</script>`, { onsite: true }));

    const ctx = await site.newContext();
    const page = await ctx.newPage();
    // In the order the responses came; their bodies are read asynchronously.
    const responses: Array<Promise<{ partial?: boolean; placements: Array<{ kind: string }> }>> = [];
    page.on('response', (r) => void (r.url().endsWith('/v1/decide') && responses.push(r.json() as Promise<{ partial?: boolean; placements: Array<{ kind: string }> }>)));
    await page.goto(`${site.url}/products/mug`);

    await page.locator('[data-overture-placement="slide_in"]').locator('text=Hi Lena, 20% off').waitFor({ timeout: 15_000 });
    const answers = await Promise.all(responses);
    expect(held).toBe(1);
    // The first answer came before the look-up: only the top bar.
    expect(answers[0]).toMatchObject({ partial: true, placements: [{ kind: 'top_bar' }] });
    // Asked again until a look-up landed in time (on a busy machine it can take more than one try).
    const last = answers.at(-1)!;
    expect(answers.length).toBeGreaterThanOrEqual(2);
    expect(answers.slice(0, -1).every((a) => a.partial)).toBe(true);
    expect(last.partial).toBeUndefined();
    expect(last.placements.map((p) => p.kind).sort()).toEqual(['slide_in', 'top_bar']);
    // Asked several times, shown once; and no more asking once the answer was complete.
    expect(await page.locator('[data-overture-placement="top_bar"]').count()).toBe(1);
    const asked = responses.length;
    await page.waitForTimeout(1_500);
    expect(responses).toHaveLength(asked);
    await ctx.close();
  });
});
