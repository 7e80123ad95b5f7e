import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, startTestServer, type TestServer } from '@overture/api/testing';
import { startSmtpSink, type SmtpSink } from '../testing/smtp';
import { saveTemplate } from '../templates';
import { closeTransports, saveEmailSettings } from '../channels';
import { getProfile } from '../profiles';
import { saveJourneySettings } from './settings';
import { publishedJourney, runsOf, until } from '../testing/journeys';

// A journey's message knows the event its run started on: the delayed order's id and new date
// reach the email a real SMTP server receives, sent by the real worker.
describe('the trigger event in journey messages', () => {
  let t: TestServer;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink({ password: 'pw' });
    t = await startTestServer({ worker: true });
    const ws = t.workspace.id;
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, username: 'mailer', password: 'pw', fromAddress: 'care@shop.example', fromName: 'Shop' });
    // Whatever the hour the suite runs at: quiet hours would hold the email until morning.
    await saveJourneySettings(t.app.postgres.db, ws, { quietHours: null });
    await saveTemplate(t.app, ws, {
      name: 'Order late',
      channel: 'email',
      subject: 'Order {{ event.properties.order_id }} is running late',
      body: '<mjml><mj-body><mj-section><mj-column><mj-text>Sorry {{ profile.traits.first_name }}: it now arrives on {{ event.properties.new_eta }}.</mj-text></mj-column></mj-section></mj-body></mjml>',
      subscriptionGroup: 'transactional',
    });
    await publishedJourney(t.app, ws, {
      trigger: { type: 'event', event: 'Order Delayed' },
      start: 'apologise',
      nodes: [{ id: 'apologise', type: 'message', channel: 'email', template: 'Order late', next: null }],
    });
  });
  afterAll(async () => {
    if (t) closeTransports(t.app);
    await t?.close();
    await smtp?.close();
  });

  it('renders the triggering event in the email and keeps it on the run', async () => {
    const post = (batch: Array<Record<string, unknown>>) => postBatch(t, batch);
    expect((await post([{ type: 'identify', userId: 'grace', traits: { email: 'grace@example.com', first_name: 'Grace' } }])).status).toBe(200);
    // The profile with its traits first: the email is addressed from them.
    await until(() => getProfile(t.app, t.workspace.id, 'grace'), (p) => p?.traits.first_name === 'Grace', 30_000, "the identify's profile");
    expect((await post([{ type: 'track', event: 'Order Delayed', userId: 'grace', properties: { order_id: 'A-1001', new_eta: '2 December' } }])).status).toBe(200);

    const [mail] = await until(async () => smtp.received, (r) => r.length >= 1, 30_000, 'the apology email');
    expect(mail!.subject).toBe('Order A-1001 is running late');
    expect(mail!.text).toContain('Sorry Grace: it now arrives on 2 December.');
    expect(mail!.to && 'text' in mail!.to ? mail!.to.text : '').toContain('grace@example.com');
    const contexts = (await runsOf(t.app, (await t.app.postgres.db.selectFrom('journeys').select('id').where('workspace_id', '=', t.workspace.id).executeTakeFirstOrThrow()).id)).map((r) => r.context as Record<string, unknown>);
    expect(contexts[0]).toMatchObject({ trigger: { name: 'Order Delayed', properties: { order_id: 'A-1001', new_eta: '2 December' } } });
  });
});
