import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing';
import { createWorkspace } from '../testing';
import { createJourney } from './index';
import { saveTemplate } from '../templates';
import { recordOutcomes, type OutcomeKind } from '../channels/index';
import { messageStats } from './message-stats';
import { savePlacement } from '../onsite';

describe('message analytics per template and per journey', () => {
  let app: TestApp;
  let ws: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'analytics')).id;
  });
  afterAll(() => app?.close());

  it('counts distinct messages per outcome and attributed conversions, excluding the holdout and other workspaces', async () => {
    const tpl = await saveTemplate(app, ws, { name: 'Welcome', channel: 'web_push', subject: 'Hi', body: 'Welcome' });
    const journey = await createJourney(app.postgres.db, ws, 'Onboarding', {});
    const out = (m: string, kinds: OutcomeKind[], workspaceId = ws) =>
      recordOutcomes(app, kinds.map((kind) => ({ workspaceId, messageId: m, profileId: `p-${m}`, channel: 'web_push', kind, templateId: tpl.id, journeyId: journey.id, nodeId: 'welcome' })));
    await out('m1', ['sent', 'delivered', 'open', 'click']);
    await out('m2', ['sent', 'delivered', 'open']);
    await out('m2', ['open']); // a second open of one message counts once
    await out('m3', ['sent', 'bounce']);
    await out('m4', ['sent', 'unsubscribe']);
    await out('m5', ['skipped']);
    await out('mx', ['sent'], 'another-workspace');
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    const conv = (reason: string, node: string, revenue: number) => ({ workspace_id: ws, journey_id: journey.id, version: 1, node_id: node, run_id: `r-${Math.random()}`, profile_id: 'p-m1', kind: 'converted', reason, channel: '', revenue, at: now });
    await app.clickhouse.insert({ table: 'journey_events', format: 'JSONEachRow', values: [conv('journey', 'welcome', 25.5), conv('holdout', 'welcome', 99), conv('journey', '', 10)] });

    const since = new Date(Date.now() - 86_400_000);
    const expected = { sent: 4, delivered: 2, opened: 2, clicked: 1, bounced: 1, unsubscribed: 1, impressions: 0, dismissed: 0 };
    expect(await messageStats(app, ws, 'template', since)).toEqual([{ id: tpl.id, name: 'Welcome', ...expected, converted: 1, revenue: 25.5, variants: [] }]);
    // The journey view counts every goal reached in the journey, attributed to a message or not.
    expect(await messageStats(app, ws, 'journey', since)).toEqual([{ id: journey.id, name: 'Onboarding', ...expected, converted: 2, revenue: 35.5, variants: [] }]);
    expect(await messageStats(app, ws, 'template', new Date(Date.now() + 60_000))).toEqual([]);
  });

  it('counts onsite impressions, clicks and dismissals per placement, under its name', async () => {
    const w = (await createWorkspace(app.postgres.db, 'analytics-onsite')).id;
    const bar = await savePlacement(app, w, { name: 'Sale bar', kind: 'top_bar', content: 'Sale' });
    const show = (m: string, kinds: OutcomeKind[]) => recordOutcomes(app, kinds.map((kind) => ({ workspaceId: w, messageId: m, profileId: `p-${m}`, channel: 'onsite', kind, templateId: bar.id })));
    await show('os_1', ['impression', 'click']);
    await show('os_2', ['impression', 'dismiss']);
    await show('os_3', ['impression']);
    await show('os_3', ['impression']); // one show reported twice counts once
    const [row] = await messageStats(app, w, 'template', new Date(Date.now() - 86_400_000));
    expect(row).toEqual({ id: bar.id, name: 'Sale bar (onsite placement)', sent: 0, delivered: 0, opened: 0, clicked: 1, bounced: 0, unsubscribed: 0, impressions: 3, dismissed: 1, converted: 0, revenue: 0, variants: [] });
  });

  it('splits the shows of a placement, clicks and dismissals by the variant shown', async () => {
    const w = (await createWorkspace(app.postgres.db, 'analytics-variants')).id;
    const hero = await savePlacement(app, w, { name: 'Hero', kind: 'modal', content: 'Hi', variants: [{ name: 'A' }, { name: 'B', content: 'Hello' }] });
    const show = (m: string, variant: string, kinds: OutcomeKind[]) => recordOutcomes(app, kinds.map((kind) => ({ workspaceId: w, messageId: m, profileId: `p-${m}`, channel: 'onsite', kind, templateId: hero.id, variant })));
    await show('os_a1', 'A', ['impression', 'click']);
    await show('os_a2', 'A', ['impression']);
    await show('os_b1', 'B', ['impression', 'dismiss']);
    const [row] = await messageStats(app, w, 'template', new Date(Date.now() - 86_400_000));
    const zero = { sent: 0, delivered: 0, opened: 0, bounced: 0, unsubscribed: 0 };
    expect(row).toMatchObject({ name: 'Hero (onsite placement)', impressions: 3, clicked: 1, dismissed: 1 });
    expect(row!.variants).toEqual([
      { variant: 'A', ...zero, impressions: 2, clicked: 1, dismissed: 0 },
      { variant: 'B', ...zero, impressions: 1, clicked: 0, dismissed: 1 },
    ]);
  });
});
