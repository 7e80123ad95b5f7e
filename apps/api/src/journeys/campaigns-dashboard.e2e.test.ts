import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';
import { createSegment } from '../segments';
import { saveTemplate } from '../templates';
import { publishedJourneys } from './journeys';

// Campaigns in the built dashboard, in Chromium: a one-off send is a published broadcast journey.

let server: TestServer;
let browser: Browser;
let page: Page;
let segmentId: string;

beforeAll(async () => {
  server = await startTestServer();
  const ws = server.workspace.id;
  segmentId = (await createSegment(server.app, ws, { name: 'Newsletter fans', definition: { type: 'trait', trait: 'plan', op: 'eq', value: 'pro' } })).id;
  await saveTemplate(server.app, ws, { name: 'Spring news', channel: 'email', subject: 'Spring', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Spring</mj-text></mj-column></mj-section></mj-body></mjml>' });
  await saveTemplate(server.app, ws, { name: 'Push teaser', channel: 'web_push', subject: 'Psst', body: 'Come back' });
  ({ browser, page } = await signedInDashboard(server));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('campaigns in Chromium', () => {
  it('schedules a campaign to a segment for later and sends another now, each a published broadcast journey', async () => {
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('button', { name: 'New campaign' }).click();
    const form = page.getByRole('form', { name: 'New campaign' });
    await form.getByLabel('Campaign name').fill('Spring sale');
    await form.getByLabel('Audience').selectOption({ label: 'Newsletter fans' });
    // Only the email templates are offered for an email campaign.
    expect(await form.getByLabel('Message').locator('option').allTextContents()).toEqual(['Choose a template…', 'Spring news']);
    await form.getByLabel('Message').selectOption('Spring news');
    await form.getByRole('radio', { name: /^At/ }).check();
    const tomorrow = new Date(Date.now() + 86_400_000);
    tomorrow.setHours(10, 0, 0, 0);
    const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T10:00`;
    await form.getByLabel('Send at').fill(local);
    await form.getByLabel('Each person at their best hour').check();
    await form.getByRole('button', { name: 'Schedule campaign' }).click();
    const upcoming = page.getByTestId('campaigns-upcoming');
    await upcoming.getByRole('link', { name: 'Spring sale' }).waitFor();
    expect(await upcoming.textContent()).toContain('Email · Spring news to Newsletter fans · at each person’s best hour');

    const live = await publishedJourneys(server.app.postgres.db, server.workspace.id);
    const spring = live.find((j) => j.definition.trigger.type === 'broadcast')!;
    expect(spring.definition.trigger).toEqual({ type: 'broadcast', segmentId, at: tomorrow.toISOString() });
    expect(spring.definition.nodes).toMatchObject([{ type: 'message', channel: 'email', template: 'Spring news', sendAt: { mode: 'best_time', withinHours: 24 } }]);

    // Sent now: it lands under Sent, at once.
    await page.getByRole('button', { name: 'New campaign' }).click();
    await form.getByLabel('Campaign name').fill('Flash sale');
    await form.getByLabel('Audience').selectOption({ label: 'Newsletter fans' });
    await form.getByLabel('Channel').selectOption('web_push');
    await form.getByLabel('Message').selectOption('Push teaser');
    await form.getByRole('button', { name: 'Send campaign' }).click();
    await page.getByTestId('campaigns-sent').getByRole('link', { name: 'Flash sale' }).waitFor();
  });

  it('refuses a template of another channel and an unknown segment, naming the field', async () => {
    const create = async (input: Record<string, unknown>) => {
      const res = await page.request.post(`${server.url}/trpc/campaigns.create`, {
        headers: { origin: server.url, 'content-type': 'application/json' },
        data: { workspaceId: server.workspace.id, name: 'x', segmentId, channel: 'email', template: 'Spring news', at: null, bestTime: false, ...input },
      });
      return { status: res.status(), text: await res.text() };
    };
    const wrongChannel = await create({ template: 'Push teaser' });
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.text).toContain('template: Push teaser is a web_push template, not email');
    const noSegment = await create({ segmentId: 'seg_nope' });
    expect(noSegment.status).toBe(400);
    expect(noSegment.text).toContain('segmentId: no segment seg_nope in this workspace');
    const past = await create({ at: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('at: a time from now to a year ahead');
  });
});
