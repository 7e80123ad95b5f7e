import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentHash, variantForHash } from '@overture/journeys';
import { createTestUser, startTestServer, type TestServer } from '@overture/api/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp';
import { ingestEvents, ManualClock, publishedJourney, runsOf, until } from '../testing/journeys';
import { closeTransports, messageExposuresWritten, saveEmailSettings } from '../channels';
import { resolveProfileIds } from '../profiles';
import { selectRows } from '../stores/clickhouse/sql';
import { useJourneyRuntime } from '../journeys/services';
import { saveJourneySettings } from '../journeys/settings';
import type { JourneyRuntime } from '../journeys/runtime';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { decide, queueOnsiteMessage, recordOnsiteEvents } from '../onsite';
import { saveTemplate, type Template } from './store';

// Real stores (PostgreSQL, Redis, chDB) and a real SMTP server: a journey sends one email template
// with two variants to many profiles through the real worker and email channel.
describe('message variants (a template run as an experiment)', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let rt: JourneyRuntime;
  let ctx: Context;
  let template: Template;
  let journeyId: string;
  const clock = new ManualClock(Date.now());
  const users = Array.from({ length: 200 }, (_, i) => `buyer-${i}`);
  const weights = [2, 1];
  const ids = new Map<string, string>();
  const ws = () => t.workspace.id;
  const caller = () => appRouter.createCaller(ctx);
  const key = () => `message:${template.id}`;
  // The documented rule, from the hash alone: GrowthBook's v2 hash of the experiment key and profile id over the weights.
  const expected = (profileId: string) => ['control', 'urgent'][variantForHash(experimentHash(key(), profileId), weights)]!;
  const body = (text: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${text} <a href="https://shop.example/sale">Shop</a></mj-text></mj-column></mj-section></mj-body></mjml>`;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestServer({ postgres: 'postgres' });
    rt = useJourneyRuntime(t.app, { clock });
    rt.startWorker({ concurrency: 8 });
    const user = await createTestUser(t.app, [ws()]);
    ctx = { app: t.app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    await saveEmailSettings(t.app, ws(), { host: '127.0.0.1', port: smtp.port, fromAddress: 'news@shop.example', fromName: 'Shop' });
    await saveJourneySettings(t.app.postgres.db, ws(), { quietHours: null });
  });
  afterAll(async () => {
    await rt?.close();
    if (t) closeTransports(t.app);
    await t?.close();
    await smtp?.close();
  });

  it('refuses a single variant, a duplicate key and a broken override, naming the field', async () => {
    const base = { name: 'Bad', channel: 'email' as const, subject: 'Hi', body: body('Hi') };
    await expect(saveTemplate(t.app, ws(), { ...base, variants: [{ key: 'a' }] })).rejects.toThrow(/^variants: /);
    await expect(saveTemplate(t.app, ws(), { ...base, variants: [{ key: 'a' }, { key: 'a' }] })).rejects.toThrow(/variants\.1\.key: /);
    await expect(saveTemplate(t.app, ws(), { ...base, variants: [{ key: 'a' }, { key: 'b', subject: '{% if %}' }] })).rejects.toThrow(/variants\.1\.subject/);
    await expect(saveTemplate(t.app, ws(), { ...base, variants: [{ key: 'a' }, { key: 'b', body: 'not mjml' }] })).rejects.toThrow(/variants\.1\.body/);
  });

  it('sends each profile its variant in about the configured split, with the variant on message events and one exposure each', async () => {
    const saved = await caller().templates.save({
      workspaceId: ws(),
      template: {
        name: 'Spring sale',
        channel: 'email',
        subject: 'Spring sale, {{ profile.traits.first_name }}',
        body: body('Our spring sale is on.'),
        variants: [
          { key: 'control', weight: weights[0] },
          { key: 'urgent', weight: weights[1], subject: 'Last day: spring sale, {{ profile.traits.first_name }}', body: body('Only today.'), senderName: 'Ada from Shop', sendOffsetMinutes: 60 },
        ],
      },
    });
    template = saved;
    const j = await publishedJourney(t.app, ws(), { trigger: { type: 'event', event: 'Sale Started' }, entry: { frequency: 'every_time' }, start: 'm', nodes: [{ id: 'm', type: 'message', channel: 'email', template: 'Spring sale', next: null }] });
    journeyId = j.id;
    await ingestEvents(t.app, ws(), users.map((u) => ({ type: 'identify', userId: u, traits: { email: `${u}@example.com`, first_name: u } })));
    (await resolveProfileIds(t.app, ws(), users.map((userId) => ({ userId })))).forEach((id, i) => ids.set(users[i]!, id));
    const want = new Map(users.map((u) => [u, expected(ids.get(u)!)]));
    const urgent = users.filter((u) => want.get(u) === 'urgent');
    // About a third (weights 2:1): 67 expected, a standard deviation of about 7.
    console.log(`message variants: profiles=${users.length} weights=2:1 urgent=${urgent.length} expected=${Math.round(users.length / 3)}`);
    expect(urgent.length).toBeGreaterThan(40);
    expect(urgent.length).toBeLessThan(94);

    await ingestEvents(t.app, ws(), users.map((u) => ({ type: 'track', userId: u, event: 'Sale Started' })));
    // The control goes at once; the urgent variant waits its hour.
    await until(() => runsOf(t.app, j.id), (r) => r.length === users.length && r.every((x) => x.status === 'completed' || x.status === 'waiting'), 60_000, 'every run to send or wait');
    await until(async () => smtp.received.length, (n) => n >= users.length - urgent.length, 60_000, 'the control emails');
    const waiting = (await runsOf(t.app, j.id)).filter((r) => r.status === 'waiting');
    expect(new Set(waiting.map((r) => r.profile_id))).toEqual(new Set(urgent.map((u) => ids.get(u))));
    for (const r of waiting) expect(Number(r.wake_at)).toBe(clock.now() + 3_600_000);
    clock.advance(3_600_001);
    await rt.reconcile({ graceMs: 0 });
    await until(async () => smtp.received.length, (n) => n >= users.length, 60_000, 'the urgent emails');
    expect(smtp.received).toHaveLength(users.length);

    for (const mail of smtp.received) {
      const to = mail.to && 'text' in mail.to ? mail.to.text : '';
      const u = users.find((x) => to === `${x}@example.com`)!;
      if (want.get(u) === 'urgent') {
        expect(mail.subject).toBe(`Last day: spring sale, ${u}`);
        expect(mail.from?.value[0]).toMatchObject({ name: 'Ada from Shop', address: 'news@shop.example' });
        expect(mail.text).toContain('Only today.');
      } else {
        expect(mail.subject).toBe(`Spring sale, ${u}`);
        expect(mail.from?.value[0]).toMatchObject({ name: 'Shop', address: 'news@shop.example' });
        expect(mail.text).toContain('Our spring sale is on.');
      }
    }

    // The relay has the last email a moment before its sender records the outcome.
    const sentRows = () => selectRows<{ profile_id: string; variant: string }>(t.app.clickhouse, `SELECT profile_id, variant FROM message_events FINAL WHERE workspace_id = {ws:String} AND template_id = {t:String} AND kind = 'sent'`, { ws: ws(), t: template.id });
    const sent = await until(sentRows, (rows) => rows.length >= users.length, 30_000, 'every sent outcome');
    expect(sent).toHaveLength(users.length);
    const byProfile = new Map(users.map((u) => [ids.get(u)!, want.get(u)!]));
    for (const row of sent) expect(row.variant).toBe(byProfile.get(row.profile_id));

    await messageExposuresWritten(t.app);
    const exposures = await selectRows<{ distinct_id: string; variant: string; n: string }>(
      t.app.clickhouse,
      `SELECT distinct_id, any(variant) AS variant, count() AS n FROM experiment_exposures FINAL WHERE workspace_id = {ws:String} AND experiment = {key:String} GROUP BY distinct_id`,
      { ws: ws(), key: key() },
    );
    expect(exposures).toHaveLength(users.length);
    for (const row of exposures) {
      expect(Number(row.n)).toBe(1);
      expect(row.variant).toBe(want.get(row.distinct_id));
    }
  }, 180_000);

  it('records opens and clicks with the variant, and keeps each profile in its variant on the next send', async () => {
    const urgentUser = users.find((u) => expected(ids.get(u)!) === 'urgent')!;
    const mail = smtp.received.find((m) => m.to && 'text' in m.to && m.to.text === `${urgentUser}@example.com`)!;
    const html = String(mail.html);
    const pixel = /src="([^"]*\/t\/o\/[^"]+)"/.exec(html)![1]!;
    const link = /href="([^"]*\/t\/c\/[^"]+)"/.exec(html)![1]!;
    expect((await fetch(`${t.url}${new URL(pixel).pathname}`)).status).toBe(200);
    expect((await fetch(`${t.url}${new URL(link).pathname}`, { redirect: 'manual' })).status).toBe(302);
    const tracked = await selectRows<{ kind: string; variant: string }>(
      t.app.clickhouse,
      `SELECT kind, variant FROM message_events FINAL WHERE workspace_id = {ws:String} AND profile_id = {p:String} AND kind IN ('open', 'click') ORDER BY kind`,
      { ws: ws(), p: ids.get(urgentUser)! },
    );
    expect(tracked).toEqual([
      { kind: 'click', variant: 'urgent' },
      { kind: 'open', variant: 'urgent' },
    ]);

    // Stickiness: the same profiles triggered again get the same variant, and are not exposed twice.
    const again = users.slice(0, 30);
    const before = smtp.received.length;
    await ingestEvents(t.app, ws(), again.map((u) => ({ type: 'track', userId: u, event: 'Sale Started' })));
    await until(() => runsOf(t.app, journeyId), (r) => r.length === users.length + again.length && r.every((x) => x.status === 'completed' || x.status === 'waiting'), 60_000, 'the second runs');
    clock.advance(3_600_001);
    await rt.reconcile({ graceMs: 0 });
    await until(async () => smtp.received.length, (n) => n >= before + again.length, 60_000, 'the second emails');
    for (const mail2 of smtp.received.slice(before)) {
      const u = again.find((x) => mail2.to && 'text' in mail2.to && mail2.to.text === `${x}@example.com`)!;
      expect((mail2.subject ?? '').startsWith('Last day')).toBe(expected(ids.get(u)!) === 'urgent');
    }
    await messageExposuresWritten(t.app);
    const [count] = await selectRows<{ n: string; profiles: string }>(t.app.clickhouse, `SELECT count() AS n, uniqExact(distinct_id) AS profiles FROM experiment_exposures FINAL WHERE workspace_id = {ws:String} AND experiment = {key:String}`, { ws: ws(), key: key() });
    expect(Number(count!.n)).toBe(users.length);
  });

  it('shows the experiment with its readout split by variant, and a picked winner goes to everyone', async () => {
    // Some buyers of each variant order after their message.
    const buyers = users.filter((_, i) => i % 5 === 0);
    await ingestEvents(t.app, ws(), buyers.map((u) => ({ type: 'track', userId: u, event: 'Order Completed', properties: { revenue: 50, currency: 'GBP' } })));
    const e = (await caller().experiments.list({ workspaceId: ws() })).find((x) => x.key === key())!;
    expect(e).toMatchObject({ name: 'Spring sale', kind: 'message', sourceRef: template.id, status: 'running', exposures: users.length });
    expect(e.variants).toEqual([
      { name: 'control', weight: 2 },
      { name: 'urgent', weight: 1 },
    ]);
    const r = await caller().experiments.readout({ workspaceId: ws(), experimentId: e.id });
    const n = (v: string) => r.readout.variants.find((x) => x.name === v)!.n;
    expect(n('control') + n('urgent')).toBe(users.length);
    expect(n('urgent')).toBe(users.filter((u) => expected(ids.get(u)!) === 'urgent').length);
    const conversion = r.readout.metrics[0]!;
    expect(conversion.kind).toBe('conversion');
    expect(conversion.comparisons[0]!.variant).toBe('urgent');
    expect(conversion.comparisons[0]!.chanceToWin).toBeGreaterThanOrEqual(0);

    await caller().experiments.pickWinner({ workspaceId: ws(), experimentId: e.id, variant: 'urgent' });
    const reloaded = await caller().templates.get({ workspaceId: ws(), id: template.id });
    expect(reloaded.variantWinner).toBe('urgent');
    // Everyone, control profiles included, now gets the winner (after its offset), unexposed.
    const controlUser = users.find((u) => expected(ids.get(u)!) === 'control')!;
    const before = smtp.received.length;
    await ingestEvents(t.app, ws(), [{ type: 'track', userId: controlUser, event: 'Sale Started' }]);
    await until(() => runsOf(t.app, journeyId), (runs) => runs.filter((x) => x.profile_id === ids.get(controlUser)).some((x) => x.status === 'waiting'), 60_000, 'the winner to wait its offset');
    clock.advance(3_600_001);
    await rt.reconcile({ graceMs: 0 });
    const [last] = (await until(async () => smtp.received.slice(before), (m) => m.length === 1, 60_000, 'the winner email'));
    expect(last!.subject).toBe(`Last day: spring sale, ${controlUser}`);
  });

  it('an onsite message shows its variant, and its impression carries it', async () => {
    await saveTemplate(t.app, ws(), { name: 'Banner', channel: 'onsite', subject: '', body: '<p>Welcome back</p>', variants: [{ key: 'plain' }, { key: 'offer', body: '<p>Welcome back: 10 % off</p>' }] });
    const banner = (await caller().templates.get({ workspaceId: ws(), id: 'Banner' }))!;
    const variantOf = (profileId: string) => ['plain', 'offer'][variantForHash(experimentHash(`message:${banner.id}`, profileId), [1, 1])]!;
    const u = users.find((x) => variantOf(ids.get(x)!) === 'offer')!;
    await queueOnsiteMessage(t.app, { workspaceId: ws(), profile: { id: ids.get(u)!, traits: {} }, template: 'Banner', idempotencyKey: `banner:${u}` });
    const shown = await decide(t.app, { workspaceId: ws(), userId: u, url: new URL('https://shop.example/'), budgetMs: 30_000 });
    const message = shown.placements.find((p) => p.html?.includes('Welcome back'))!;
    expect(message.html).toBe('<p>Welcome back: 10 % off</p>');
    await recordOnsiteEvents(t.app, ws(), [{ token: message.token, kind: 'impression' }]);
    const rows = await selectRows<{ kind: string; variant: string }>(t.app.clickhouse, `SELECT kind, variant FROM message_events FINAL WHERE workspace_id = {ws:String} AND template_id = {t:String} ORDER BY kind`, { ws: ws(), t: banner.id });
    expect(rows).toEqual([
      { kind: 'impression', variant: 'offer' },
      { kind: 'sent', variant: 'offer' },
    ]);
  });
});
