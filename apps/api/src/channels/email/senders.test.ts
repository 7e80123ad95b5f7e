import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createTestApp, createTestUser, createWorkspace, startTestServer, type TestServer } from '@overture/api/testing';
import { appRouter } from '../../trpc/root';
import type { Context } from '../../trpc/trpc';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp';
import { ingest } from '../../testing/profiles';
import { resolveProfileId } from '../../profiles';
import { saveTemplate } from '../../templates';
import { closeTransports, deleteSender, listSenders, saveEmailSettings, saveSender, sendEmail, sendTestEmail, setDefaultSender } from '../index';
import { senderCacheMs } from './senders';

const body = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ profile.traits.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

const from = (m: ParsedMail) => m.from?.value[0];
const replyTo = (m: ParsedMail) => m.replyTo?.value[0]?.address ?? null;

describe('email sender identities, sent through a real SMTP server', () => {
  let t: TestServer;
  let smtp: SmtpSink;
  let ws: string;
  let adaId: string;
  let orderHelpId: string;
  const profile = { id: 'p-ada', traits: { email: 'ada@example.com', first_name: 'Ada' } };
  /** Sends `template` to Ada and returns the message as the SMTP server received it. */
  const send = async (template: string): Promise<ParsedMail> => {
    const before = smtp.received.length;
    const result = await sendEmail(t.app, { workspaceId: ws, profileId: profile.id, template, profile });
    expect(result.status).toBe('sent');
    expect(smtp.received).toHaveLength(before + 1);
    return smtp.received.at(-1)!;
  };

  beforeAll(async () => {
    t = await startTestServer({ postgres: 'pglite' });
    ws = t.workspace.id;
    smtp = await startSmtpSink();
    await saveEmailSettings(t.app, ws, { host: '127.0.0.1', port: smtp.port, fromAddress: 'smtp@shop.example', fromName: 'Shop SMTP' });
    await saveTemplate(t.app, ws, { name: 'News', channel: 'email', subject: 'News', body });
    await ingest(t.app, ws, [{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } }]);
    adaId = await resolveProfileId(t.app, ws, { userId: 'ada' });
  });
  afterAll(async () => {
    vi.useRealTimers();
    closeTransports(t.app);
    await t?.close();
    await smtp?.close();
  });

  it('without any sender, sends from the SMTP settings, with no Reply-To', async () => {
    expect(await listSenders(t.app, ws)).toEqual([]);
    const mail = await send('News');
    expect(from(mail)).toEqual({ name: 'Shop SMTP', address: 'smtp@shop.example' });
    expect(replyTo(mail)).toBeNull();
  });

  it('refuses invalid senders, naming the field', async () => {
    await expect(saveSender(t.app, ws, { name: 'Shop', address: 'not-an-email' })).rejects.toThrow('address: must be an email address');
    await expect(saveSender(t.app, ws, { name: 'Shop', address: 'news@shop.example', replyTo: 'nope' })).rejects.toThrow('replyTo: must be an email address');
    await expect(saveSender(t.app, ws, { name: '  ', address: 'news@shop.example' })).rejects.toThrow('name: must not be empty');
    await expect(saveSender(t.app, ws, { name: 'Shop\r\nBcc: x@evil.example', address: 'news@shop.example' })).rejects.toThrow('name: must be one line');
    expect(await listSenders(t.app, ws)).toEqual([]);
  });

  it("sends a template as its sender (From and Reply-To), others as the workspace default", async () => {
    const news = await saveSender(t.app, ws, { name: 'Shop', address: 'News@Shop.example ', replyTo: '' });
    // The first sender becomes the default; the address is stored trimmed and lower-cased.
    expect(news).toMatchObject({ name: 'Shop', address: 'news@shop.example', replyTo: null, isDefault: true });
    const care = await saveSender(t.app, ws, { name: 'Shop Support', address: 'care@shop.example', replyTo: 'help@shop.example' });
    expect(care.isDefault).toBe(false);
    await expect(saveSender(t.app, ws, { name: 'Again', address: 'CARE@shop.example' })).rejects.toThrow('address: a sender with the address care@shop.example already exists');

    orderHelpId = (await saveTemplate(t.app, ws, { name: 'Order help', channel: 'email', subject: 'About your order', body, senderId: care.id })).id;
    const service = await send('Order help');
    expect(from(service)).toEqual({ name: 'Shop Support', address: 'care@shop.example' });
    expect(replyTo(service)).toBe('help@shop.example');

    const newsletter = await send('News');
    expect(from(newsletter)).toEqual({ name: 'Shop', address: 'news@shop.example' });
    expect(replyTo(newsletter)).toBeNull();

    // The test send from the editor uses the same identity.
    await sendTestEmail(t.app, ws, { template: 'Order help', profileId: adaId, to: 'me@shop.example' });
    const test = smtp.received.at(-1)!;
    expect(test.subject).toBe('[Test] About your order');
    expect(from(test)).toEqual({ name: 'Shop Support', address: 'care@shop.example' });
    expect(replyTo(test)).toBe('help@shop.example');

    // An edit is used by the next send (the save drops the senders' cache).
    await saveSender(t.app, ws, { id: care.id, name: 'Shop Care', address: 'care@shop.example', replyTo: 'service@shop.example' });
    const edited = await send('Order help');
    expect(from(edited)).toEqual({ name: 'Shop Care', address: 'care@shop.example' });
    expect(replyTo(edited)).toBe('service@shop.example');
  });

  it('keeps exactly one default, and templates without a sender follow it at once', async () => {
    const [news, care] = await Promise.all(['news@shop.example', 'care@shop.example'].map(async (a) => (await listSenders(t.app, ws)).find((s) => s.address === a)!));
    await setDefaultSender(t.app, ws, care!.id);
    const senders = await listSenders(t.app, ws);
    expect(senders.filter((s) => s.isDefault).map((s) => s.address)).toEqual(['care@shop.example']);
    expect(senders[0]!.address).toBe('care@shop.example');
    expect(from(await send('News'))).toEqual({ name: 'Shop Care', address: 'care@shop.example' });
    await setDefaultSender(t.app, ws, news!.id);
    expect((await listSenders(t.app, ws)).filter((s) => s.isDefault).map((s) => s.address)).toEqual(['news@shop.example']);
    expect(from(await send('News'))).toEqual({ name: 'Shop', address: 'news@shop.example' });
    await expect(setDefaultSender(t.app, ws, 'snd_missing')).rejects.toThrow('No sender snd_missing');
  });

  it('refuses to delete a sender a template uses, naming the templates, and the default while others remain', async () => {
    const senders = await listSenders(t.app, ws);
    const care = senders.find((s) => s.address === 'care@shop.example')!;
    const news = senders.find((s) => s.address === 'news@shop.example')!;
    const returnsId = (await saveTemplate(t.app, ws, { name: 'Returns', channel: 'email', subject: 'Returns', body, senderId: care.id })).id;
    await expect(deleteSender(t.app, ws, care.id)).rejects.toThrow('care@shop.example is the sender of templates "Order help", "Returns": choose another sender for them first');
    await expect(deleteSender(t.app, ws, news.id)).rejects.toThrow('news@shop.example is the default sender: make another sender the default first');
    expect(await listSenders(t.app, ws)).toHaveLength(2);

    // Point the templates elsewhere: then it goes, and they send as the default.
    await saveTemplate(t.app, ws, { id: orderHelpId, name: 'Order help', channel: 'email', subject: 'About your order', body, senderId: news.id });
    await saveTemplate(t.app, ws, { id: returnsId, name: 'Returns', channel: 'email', subject: 'Returns', body });
    await expect(deleteSender(t.app, ws, care.id)).resolves.toBeUndefined();
    expect((await listSenders(t.app, ws)).map((s) => s.address)).toEqual(['news@shop.example']);
    expect(from(await send('Returns'))).toEqual({ name: 'Shop', address: 'news@shop.example' });

    // The last sender may go, default or not: sends fall back to the SMTP settings.
    await expect(deleteSender(t.app, ws, news.id)).rejects.toThrow('is the sender of template "Order help": choose another sender for it first');
    await saveTemplate(t.app, ws, { id: orderHelpId, name: 'Order help', channel: 'email', subject: 'About your order', body });
    await deleteSender(t.app, ws, news.id);
    expect(await listSenders(t.app, ws)).toEqual([]);
    expect(from(await send('Order help'))).toEqual({ name: 'Shop SMTP', address: 'smtp@shop.example' });
  });

  it("accepts on a template only an email sender of the template's own workspace", async () => {
    const other = await createWorkspace(t.app.postgres.db, 'senders-other');
    const foreign = await saveSender(t.app, other.id, { name: 'Other', address: 'hi@other.example' });
    await expect(saveTemplate(t.app, ws, { name: 'Stolen', channel: 'email', subject: 'x', body, senderId: foreign.id })).rejects.toThrow(`senderId: no sender ${foreign.id} in this workspace`);
    const own = await saveSender(t.app, ws, { name: 'Shop', address: 'news@shop.example' });
    await expect(saveTemplate(t.app, ws, { name: 'Push', channel: 'web_push', subject: 'x', body: 'y', url: 'https://shop.example', senderId: own.id })).rejects.toThrow('senderId: only email templates have a sender');
    // Nor can another workspace delete or promote this one's sender.
    await expect(deleteSender(t.app, other.id, own.id)).rejects.toThrow(`No sender ${own.id}`);
    await expect(setDefaultSender(t.app, other.id, own.id)).rejects.toThrow(`No sender ${own.id}`);
  });

  it('reads senders from a short cache: no query per email, an edit from another process shows within senderCacheMs', async () => {
    const own = (await listSenders(t.app, ws)).find((s) => s.address === 'news@shop.example')!;
    expect(from(await send('News'))).toEqual({ name: 'Shop', address: 'news@shop.example' });
    // Another API process renames it: this process's cache is not told, so sends keep the cached one.
    await t.app.postgres.db.updateTable('email_senders').set({ name: 'Shop News', updated_at: new Date() }).where('id', '=', own.id).execute();
    expect(from(await send('News'))?.name).toBe('Shop');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + senderCacheMs + 1);
    expect(from(await send('News'))?.name).toBe('Shop News');
    vi.useRealTimers();
  });
});

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('sender procedures of the dashboard API (%s)', (postgres) => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let ws: string;
  let theirs: string;
  let ctx: Context;
  beforeAll(async () => {
    app = await createTestApp({ postgres });
    ws = (await createWorkspace(app.postgres.db, 'senders-mine')).id;
    theirs = (await createWorkspace(app.postgres.db, 'senders-theirs')).id;
    const user = await createTestUser(app, [ws]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
  });
  afterAll(() => app?.close());

  it('lists, saves, makes default and deletes, with errors a marketer can act on', async () => {
    const caller = appRouter.createCaller(ctx);
    // The input is checked by the procedure's schema (over HTTP the error formatter makes it `sender.address: must be an email address`).
    const bad = caller.channels.saveSender({ workspaceId: ws, sender: { name: 'Shop', address: 'nope' } });
    await expect(bad).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(bad).rejects.toThrow(/"address"[\s\S]*must be an email address/);
    const news = await caller.channels.saveSender({ workspaceId: ws, sender: { name: 'Shop', address: 'news@shop.example' } });
    const care = await caller.channels.saveSender({ workspaceId: ws, sender: { name: 'Shop Support', address: 'care@shop.example', replyTo: 'help@shop.example' } });
    await expect(caller.channels.saveSender({ workspaceId: ws, sender: { name: 'Dup', address: 'news@shop.example' } })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'address: a sender with the address news@shop.example already exists' });
    await caller.channels.setDefaultSender({ workspaceId: ws, id: care.id });
    expect((await caller.channels.senders({ workspaceId: ws })).map((s) => [s.address, s.isDefault])).toEqual([
      ['care@shop.example', true],
      ['news@shop.example', false],
    ]);
    await caller.templates.save({ workspaceId: ws, template: { name: 'Newsletter', channel: 'email', subject: 'News', body, senderId: news.id } });
    await expect(caller.channels.deleteSender({ workspaceId: ws, id: news.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'news@shop.example is the sender of template "Newsletter": choose another sender for it first' });
    await expect(caller.channels.deleteSender({ workspaceId: ws, id: 'snd_missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The database itself refuses a template naming another workspace's sender (the composite foreign key).
    const foreign = await saveSender(app, theirs, { name: 'Theirs', address: 'hi@theirs.example' });
    await expect(app.postgres.db.updateTable('message_templates').set({ sender_id: foreign.id }).where('workspace_id', '=', ws).execute()).rejects.toThrow();
    // And two defaults cannot coexist, whatever the code does.
    await expect(app.postgres.db.updateTable('email_senders').set({ is_default: true }).where('workspace_id', '=', ws).execute()).rejects.toThrow();
  });

  it("cannot read or change another workspace's senders", async () => {
    const caller = appRouter.createCaller(ctx);
    await expect(caller.channels.senders({ workspaceId: theirs })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(caller.channels.saveSender({ workspaceId: theirs, sender: { name: 'X', address: 'x@x.example' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const mine = (await caller.channels.senders({ workspaceId: ws }))[0]!;
    await expect(caller.channels.deleteSender({ workspaceId: theirs, id: mine.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
