import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, createWorkspace, type App } from '@overture/api/testing';
import { getTemplate, getTemplateForSend, saveTemplate, templateCacheMs } from './index';

const body = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

describe("the senders' template cache", () => {
  let app: App;
  let ws: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'template-cache')).id;
  });
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
  });

  it('sees a save in this process at once, by id and by name', async () => {
    const t = await saveTemplate(app, ws, { name: 'Cached', channel: 'email', subject: 'v1', body });
    expect((await getTemplateForSend(app, ws, 'Cached'))?.subject).toBe('v1');
    expect((await getTemplateForSend(app, ws, t.id))?.subject).toBe('v1');
    await saveTemplate(app, ws, { id: t.id, name: 'Cached', channel: 'email', subject: 'v2', body });
    expect((await getTemplateForSend(app, ws, 'Cached'))?.subject).toBe('v2');
    expect((await getTemplateForSend(app, ws, t.id))?.subject).toBe('v2');
  });

  it('sees an edit made by another process within templateCacheMs', async () => {
    const t = await saveTemplate(app, ws, { name: 'Elsewhere', channel: 'email', subject: 'old', body });
    expect((await getTemplateForSend(app, ws, 'Elsewhere'))?.subject).toBe('old');
    // Another API process saves: the row changes, this process's cache is not told.
    await app.postgres.db.updateTable('message_templates').set({ subject: 'new', updated_at: new Date() }).where('id', '=', t.id).execute();
    expect((await getTemplate(app, ws, 'Elsewhere'))?.subject).toBe('new');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + templateCacheMs + 1);
    expect((await getTemplateForSend(app, ws, 'Elsewhere'))?.subject).toBe('new');
    vi.useRealTimers();
  });
});
