import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, createTestUser, createWorkspace, type App } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { composeEmail } from './compose';
import { TemplateError } from './render';

// A file every checkout has in the working directory, the directory liquidjs resolves partials from by default.
const projectFile = 'package.json';
const fileText = readFileSync(join(process.cwd(), projectFile), 'utf8');
const fileMark = '"name":';

const fileTags = [`{% include '${projectFile}' %}`, `{% render '${projectFile}' %}`, `{% layout '${projectFile}' %}x`, `{% include '../${projectFile}' %}`];

const mjml = (inner: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;

/** Whatever the outcome (an error or a rendering), it carries nothing of the file. */
async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await fn());
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

describe('templates never read files', () => {
  let app: App;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let ctx: Context;
  let profileId: string;

  beforeAll(async () => {
    expect(fileText).toContain(fileMark);
    app = await createTestApp();
    ws = await createWorkspace(app.postgres.db, 'no-files');
    const user = await createTestUser(app, [ws.id]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    await ingest(app, ws.id, [{ type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } }]);
    profileId = await resolveProfileId(app, ws.id, { userId: 'ada' });
  });
  afterAll(() => app?.close());

  it.each(fileTags)('onsite preview of %s shows no file content and says partials are unavailable', async (tag) => {
    const caller = appRouter.createCaller(ctx);
    const result = await outcome(() => caller.onsite.preview({ workspaceId: ws.id, placement: { name: 'x', kind: 'top_bar', content: `<p>${tag}</p>` } }));
    expect(result).not.toContain(fileMark);
    expect(result).toMatch(/error: .*(include|render|layout).*not available/);
  });

  it.each(fileTags)('email preview of %s shows no file content', async (tag) => {
    const caller = appRouter.createCaller(ctx);
    const result = await outcome(() => caller.templates.preview({ workspaceId: ws.id, template: { name: 'x', channel: 'email', subject: 'Hi', body: mjml(tag) }, profileId }));
    expect(result).not.toContain(fileMark);
    expect(result).toMatch(/error: .*not available/);
  });

  it('a stored template with a file tag fails its send with a template error, not the file', async () => {
    const template = { id: 'tpl', workspaceId: ws.id, name: 'old', channel: 'email' as const, subject: `{% include '${projectFile}' %}`, body: mjml(`{% render '${projectFile}' %}`), url: '', senderId: null, subscriptionGroup: '', updatedAt: new Date().toISOString() };
    const err = await composeEmail(template, { profile: { id: profileId, traits: {} } }, null).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).not.toContain(fileMark);
  });

  it('the save path reports the tag with its line', async () => {
    const caller = appRouter.createCaller(ctx);
    await expect(caller.templates.save({ workspaceId: ws.id, template: { name: 'inc', channel: 'web_push', subject: 'Hi', body: `line\n{% include 'x' %}` } })).rejects.toThrow(
      /body line 2.*include.*not available/,
    );
  });
});
