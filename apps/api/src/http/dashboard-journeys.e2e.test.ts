import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { postBatch, startTestServer, type TestServer } from '../testing';
import { saveTemplate } from '../templates';
import { createJourney, saveJourneySettings } from '../journeys';
import { createSegment } from '../segments';
import { testSinkChannels } from '../testing/test-sink-channel';
import { publishedJourney, runsOf, sinkMessages, until } from '../testing/journeys';
import { signedInDashboard } from '../testing/dashboard-harness';

// The journey builder of the built dashboard, served by the real API with the real worker (ingest →
// event queue → journey triggers → BullMQ steps → test sink), driven in real Chromium.
// The test command builds apps/dashboard first; run `pnpm --filter @overture/dashboard build` when running alone.

let server: TestServer;
let browser: Browser;
let page: Page;
let journeyId = '';

async function sendBatch(batch: Array<Record<string, unknown>>): Promise<void> {
  expect((await postBatch(server, batch.map((e) => ({ timestamp: new Date().toISOString(), ...e })))).status).toBe(200);
}

/** Drags a connection from one handle to another with real mouse events, as a person would. */
async function dragConnect(from: Locator, to: Locator): Promise<void> {
  const a = (await from.boundingBox())!;
  const b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

const node = (id: string) => page.getByTestId(`journey-node-${id}`);
const handle = (nodeId: string, kind: 'source' | 'target', handleId?: string) =>
  page.locator(`.react-flow__handle.${kind}[data-nodeid="${nodeId}"]${handleId ? `[data-handleid="${handleId}"]` : ''}`);

/** The message step's offset from the trigger in canvas units (screen pixels over the viewport's zoom). */
async function flowOffset(): Promise<[number, number]> {
  // React Flow writes the viewport as an inline `transform: translate(x, y) scale(zoom)`.
  const style = (await page.locator('.react-flow__viewport').getAttribute('style')) ?? '';
  const zoom = Number(/scale\(([\d.]+)\)/.exec(style)?.[1]);
  if (!(zoom > 0)) throw new Error(`no zoom in the viewport's style: ${style}`);
  const [m, t] = [(await node('message_1').boundingBox())!, (await node('$trigger').boundingBox())!];
  return [(m.x - t.x) / zoom, (m.y - t.y) / zoom];
}

beforeAll(async () => {
  server = await startTestServer({ worker: true, journeyChannels: (app) => testSinkChannels(app.postgres.db) });
  // No quiet hours: the messages go out whatever the hour the test runs at.
  await saveJourneySettings(server.app.postgres.db, server.workspace.id, { quietHours: null });
  await saveTemplate(server.app, server.workspace.id, { name: 'cart-reminder', channel: 'email', subject: 'Your cart', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Still there?</mj-text></mj-column></mj-section></mj-body></mjml>' });
  await saveTemplate(server.app, server.workspace.id, { name: 'push-teaser', channel: 'web_push', subject: 'Psst', body: 'Come back' });
  ({ browser, page } = await signedInDashboard(server, { width: 1440, height: 960 }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('journey builder in Chromium', () => {
  it('creates a journey, builds it on the canvas with inline validation, publishes, pauses and resumes it', async () => {
    await page.getByRole('link', { name: 'Journeys' }).click();
    await page.waitForURL(`**/w/${server.workspace.id}/journeys`);
    await page.getByRole('button', { name: 'New journey' }).click();
    await page.getByLabel('Journey name').fill('Cart rescue');
    await page.getByLabel('Trigger event').fill('Checkout Started');
    await page.getByRole('button', { name: 'Create journey' }).click();
    await page.waitForURL(new RegExp(`/w/${server.workspace.id}/journeys/j_[a-z0-9]+$`));
    journeyId = /\/journeys\/(j_[a-z0-9]+)$/.exec(page.url())![1]!;

    // A new journey is only a trigger; the schema says what is missing, on the trigger.
    await node('$trigger').getByText('Event Checkout Started').waitFor();
    expect(await node('$trigger').getByTestId('node-problems').allTextContents()).toEqual([expect.stringContaining('connect the trigger to the first step')]);
    expect(await page.getByTestId('journey-status').textContent()).toBe('draft');

    // Add a message from the palette and connect the trigger to it on the canvas.
    await page.getByRole('complementary', { name: 'Add a step' }).getByRole('button', { name: 'Message' }).click();
    await node('message_1').waitFor();
    await dragConnect(handle('$trigger', 'source', 'start'), handle('message_1', 'target'));
    await page.getByTestId('rf__edge-$trigger->start').waitFor({ state: 'attached' });

    // The unconfigured message is flagged on its own node (no template), and publishing is blocked.
    await node('message_1').getByTestId('node-problems').waitFor();
    expect(await node('message_1').getByTestId('node-problems').textContent()).toContain('template');
    expect(await node('$trigger').getByTestId('node-problems').count()).toBe(0);
    expect(await page.getByTestId('problem-list').textContent()).toContain('node "message_1": template');
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);

    // Configure it in the side panel: the problem goes away.
    await node('message_1').click();
    // The template is picked by name among the email templates (not the push one).
    const form = page.getByTestId('node-form');
    expect(await form.locator('datalist option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['cart-reminder']);
    await form.getByLabel('Template').fill('cart-remind');
    await form.getByText('No template is named “cart-remind” yet.').waitFor();
    await form.getByLabel('Template').fill('cart-reminder');
    await form.getByRole('link', { name: 'Open “cart-reminder” →' }).waitFor();
    await node('message_1').getByTestId('node-problems').waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'No problems' }).waitFor();

    // A step clicked in the palette follows the selected one; undo and redo take it away and back.
    const palette = page.getByRole('complementary', { name: 'Add a step' });
    await palette.getByRole('button', { name: 'Wait', exact: true }).click();
    await node('wait_1').waitFor();
    await page.getByTestId('rf__edge-message_1->next').waitFor({ state: 'attached' });
    await palette.getByRole('button', { name: 'Undo' }).click();
    await node('wait_1').waitFor({ state: 'detached' });
    await palette.getByRole('button', { name: 'Redo' }).click();
    await node('wait_1').waitFor();
    await palette.getByRole('button', { name: 'Undo' }).click();
    await node('wait_1').waitFor({ state: 'detached' });
    // A step dragged from the palette lands where it is dropped, unconnected.
    const canvas = page.getByTestId('journey-canvas');
    const area = (await canvas.boundingBox())!;
    await palette.getByRole('button', { name: 'Exit', exact: true }).dragTo(canvas, { targetPosition: { x: area.width - 120, y: area.height - 80 } });
    const dropped = (await node('exit_1').boundingBox())!;
    expect(dropped.x).toBeGreaterThan(area.x + area.width / 2);
    expect(await page.getByTestId('rf__edge-message_1->next').count()).toBe(0);
    await palette.getByRole('button', { name: 'Undo' }).click();
    await node('exit_1').waitFor({ state: 'detached' });
    // A step inserted on an edge goes between its ends.
    await page.getByLabel('Insert a step on $trigger->start').selectOption('wait');
    await node('wait_1').waitFor();
    await page.getByTestId('rf__edge-wait_1->next').waitFor({ state: 'attached' });
    await palette.getByRole('button', { name: 'Undo' }).click();
    await node('wait_1').waitFor({ state: 'detached' });
    await page.getByTestId('rf__edge-$trigger->start').waitFor({ state: 'attached' });
    await page.getByRole('heading', { name: 'No problems' }).waitFor();
    await page.screenshot({ path: '/tmp/overture-journey-builder.png' });

    // A node the user drags stays where it was put: its position goes into the draft's layout.
    const box = (await node('message_1').boundingBox())!;
    await page.mouse.move(box.x + 40, box.y + 12);
    await page.mouse.down();
    await page.mouse.move(box.x + 190, box.y + 42, { steps: 10 });
    await page.mouse.up();
    const moved = (await node('message_1').boundingBox())!;
    expect(moved.x - box.x).toBeGreaterThan(100); // 150 px of screen, at the zoom fitView chose
    const before = await flowOffset();

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('journey-status').getByText('published v1').waitFor();
    await page.getByText('Published version 1.').waitFor();
    const version = await server.app.postgres.db.selectFrom('journey_versions').select('definition').where('journey_id', '=', journeyId).executeTakeFirstOrThrow();
    expect(version.definition).toMatchObject({
      trigger: { type: 'event', event: 'Checkout Started' },
      start: 'message_1',
      nodes: [{ id: 'message_1', type: 'message', channel: 'email', template: 'cart-reminder', next: null }],
    });

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByTestId('journey-status').getByText('paused (v1)').waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('journey-status').getByText('published v1').waitFor();
    const row = await server.app.postgres.db.selectFrom('journeys').select(['status', 'name', 'draft']).where('id', '=', journeyId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'published', name: 'Cart rescue' });
    const layout = (row.draft as { layout: Record<string, { x: number; y: number }> }).layout;
    expect(Object.keys(layout)).toEqual(['message_1']);

    // Reopened, the builder draws the node where it was left.
    await page.reload();
    await node('message_1').waitFor();
    // Polled: the canvas settles its viewport (fitView) just after the nodes are measured. Compared in
    // canvas units: fitView may pick another zoom for the reopened page, the layout must not change.
    await expect.poll(async () => {
      const after = await flowOffset();
      return Math.max(Math.abs(after[0] - before[0]), Math.abs(after[1] - before[1]));
    }, { timeout: 5000 }).toBeLessThanOrEqual(2);
  });

  it('shows live per-node counts on the canvas once profiles have run through', async () => {
    // A second journey with a wait-for-event: one profile orders (event branch → exit), the others wait.
    const waiting = await publishedJourney(
      server.app,
      server.workspace.id,
      {
        trigger: { type: 'event', event: 'Checkout Started' },
        entry: { frequency: 'once' },
        start: 'ordered',
        nodes: [
          { id: 'ordered', type: 'wait_for_event', event: 'Order Completed', timeoutSeconds: 86_400, onEvent: 'done', onTimeout: 'nudge' },
          { id: 'nudge', type: 'message', channel: 'email', template: 'nudge', next: null },
          { id: 'done', type: 'exit' },
        ],
      },
      'Order follow-up',
    );
    const people = ['ann', 'bo', 'cy'];
    await sendBatch(people.flatMap((p) => [
      { type: 'identify', userId: p, traits: { email: `${p}@example.com` } },
      { type: 'track', userId: p, event: 'Checkout Started', properties: { cart_value: 80 } },
    ]));
    await until(() => sinkMessages(server.app, server.workspace.id), (m) => m.length === 3, 20_000, 'three cart reminders');
    await until(() => runsOf(server.app, waiting.id), (r) => r.length === 3 && r.every((x) => x.status === 'waiting_event'), 20_000, 'three waiting runs');
    await sendBatch([{ type: 'track', userId: 'ann', event: 'Order Completed', properties: { revenue: 42 } }]);
    await until(() => runsOf(server.app, waiting.id), (r) => r.filter((x) => x.status === 'waiting_event').length === 2, 20_000, 'ann to leave the wait');

    // The canvas of the first journey counts the three profiles on the message node, refreshed while open.
    const counts = node('message_1').getByTestId('node-counts');
    await counts.filter({ hasText: 'sent 3' }).waitFor({ timeout: 20_000 });
    expect(await counts.textContent()).toContain('entered 3');
    expect(await page.getByRole('region', { name: 'Journey metrics' }).textContent()).toContain('Entered3');
    expect(await node('$trigger').getByTestId('node-counts').textContent()).toBe('entered 3');

    // The second: two profiles still waiting, one went down the event branch to the exit.
    await page.goto(`${server.url}/w/${server.workspace.id}/journeys/${waiting.id}`);
    await page.getByTestId('journey-status').getByText('published v1').waitFor();
    await node('ordered').getByTestId('node-counts').filter({ hasText: 'waiting 2' }).waitFor({ timeout: 20_000 });
    expect(await node('ordered').getByTestId('node-counts').textContent()).toContain('entered 3');
    await node('done').getByTestId('node-counts').filter({ hasText: 'entered 1' }).waitFor({ timeout: 20_000 });
    expect(await node('nudge').getByTestId('node-counts').textContent()).toContain('entered 0');
    await page.screenshot({ path: '/tmp/overture-journey-counts.png' });

    // The list shows both, with their status, trigger and numbers.
    await page.getByRole('link', { name: '← Journeys' }).click();
    // Polled: the list may first show what was cached before these journeys ran.
    const cells = (id: string) => () => page.getByTestId(`journey-row-${id}`).locator('td').allTextContents();
    await expect.poll(cells(journeyId), { timeout: 15_000 }).toEqual(['Cart rescue', 'published v1', 'Event Checkout Started', '3', '0', '0', '$0.00', '—']);
    await expect.poll(cells(waiting.id), { timeout: 15_000 }).toEqual(['Order follow-up', 'published v1', 'Event Checkout Started', '3', '2', '0', '$0.00', '—']);
    await page.screenshot({ path: '/tmp/overture-journey-list.png' });

    // Archiving asks first, then takes the journey off the list.
    await page.getByRole('link', { name: 'Cart rescue' }).click();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByTestId('journey-status').getByText('archived').waitFor();
    expect(await page.getByRole('button', { name: /^Publish/ }).isDisabled()).toBe(true);
    await page.getByRole('link', { name: '← Journeys' }).click();
    await page.getByTestId(`journey-row-${waiting.id}`).waitFor();
    // Polled: the list may first show what was cached before the archive.
    await expect.poll(() => page.getByTestId(`journey-row-${journeyId}`).count(), { timeout: 15_000 }).toBe(0);
    await page.getByLabel('Show archived').check();
    await page.getByTestId(`journey-row-${journeyId}`).locator('td', { hasText: 'archived' }).waitFor();
  });

  it('picks a segment trigger by name from the workspace segments', async () => {
    const vips = await createSegment(server.app, server.workspace.id, { name: 'VIPs', definition: { type: 'trait', trait: 'tier', op: 'eq', value: 'vip' } });
    const journey = await createJourney(server.app.postgres.db, server.workspace.id, 'VIP welcome', { trigger: { type: 'event', event: 'Signed Up' }, nodes: [] });
    await page.goto(`${server.url}/w/${server.workspace.id}/journeys/${journey.id}`);
    await node('$trigger').click();
    const form = page.getByTestId('trigger-form');
    await form.getByLabel('Starts when').selectOption('segment');
    const picker = form.getByRole('combobox', { name: /^Segment/ });
    await picker.locator('option', { hasText: 'VIPs' }).waitFor({ state: 'attached' });
    expect(await picker.locator('option').allTextContents()).toEqual(['Choose a segment…', 'VIPs']);
    await picker.selectOption({ label: 'VIPs' });
    expect(await picker.inputValue()).toBe(vips.id);
    // The canvas and the journeys list name the segment, not its id.
    await node('$trigger').getByText('Enters segment VIPs').waitFor();
    expect(await node('$trigger').getByTestId('node-problems').textContent()).not.toContain('segment');
  });

  it('lays out a journey made outside the builder, keeps yes left of no, and tidies a messy canvas into view', async () => {
    const journey = await createJourney(server.app.postgres.db, server.workspace.id, 'Win-back', {
      trigger: { type: 'event', event: 'Checkout Started' },
      start: 'vip',
      nodes: [
        { id: 'vip', type: 'condition', branches: [{ name: 'Yes', when: [{ kind: 'trait', filter: { property: 'tier', op: 'eq', value: 'gold' } }], next: 'thanks' }], otherwise: 'remind' },
        { id: 'thanks', type: 'exit' },
        { id: 'remind', type: 'message', channel: 'email', template: 'cart-reminder', next: 'pause' },
        { id: 'pause', type: 'wait', seconds: 3600, next: 'again' },
        { id: 'again', type: 'message', channel: 'email', template: 'cart-reminder', next: null },
      ],
    });
    await page.goto(`${server.url}/w/${server.workspace.id}/journeys/${journey.id}`);
    const canvas = page.getByTestId('journey-canvas');
    const ids = ['$trigger', 'vip', 'thanks', 'remind', 'pause', 'again'];
    const boxes = async () => Object.fromEntries(await Promise.all(ids.map(async (id) => [id, (await node(id).boundingBox())!] as const)));
    const inView = async () => {
      const c = (await canvas.boundingBox())!;
      const b = await boxes();
      return ids.filter((id) => b[id]!.x < c.x || b[id]!.y < c.y || b[id]!.x + b[id]!.width > c.x + c.width || b[id]!.y + b[id]!.height > c.y + c.height);
    };
    await node('again').waitFor();
    await expect.poll(inView, { timeout: 5000 }).toEqual([]);
    let b = await boxes();
    expect(b.thanks!.x).toBeLessThan(b.remind!.x); // yes left, no right
    expect(b.vip!.y).toBeGreaterThan(b.$trigger!.y);
    expect(b.again!.y).toBeGreaterThan(b.pause!.y);

    // Dragged far off to one side, a step leaves the view; "Tidy up" lays everything out again and fits it.
    const from = b.remind!;
    await page.mouse.move(from.x + 30, from.y + 10);
    await page.mouse.down();
    await page.mouse.move(from.x - 600, from.y + 400, { steps: 10 });
    await page.mouse.up();
    await expect.poll(inView).not.toEqual([]);
    await page.getByRole('toolbar', { name: 'Canvas' }).getByRole('button', { name: 'Tidy up' }).click();
    await expect.poll(inView, { timeout: 5000 }).toEqual([]);
    b = await boxes();
    expect(b.thanks!.x).toBeLessThan(b.remind!.x);
    expect(Math.abs(b.pause!.x + b.pause!.width / 2 - (b.remind!.x + b.remind!.width / 2))).toBeLessThan(2); // a chain stays one column

    // The tidy is the draft's layout: saved, every step has its place.
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved').waitFor();
    const row = await server.app.postgres.db.selectFrom('journeys').select('draft').where('id', '=', journey.id).executeTakeFirstOrThrow();
    expect(Object.keys((row.draft as { layout: Record<string, unknown> }).layout).sort()).toEqual([...ids].sort());
  });
});
