import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, createWorkspace, type App } from '@overture/api/testing';
import { appRouter } from '../trpc/root';
import type { Context } from '../trpc/trpc';
import { ingest } from '../testing/profiles';
import { resolveProfileId } from '../profiles';
import { rewriteLinks, signClaims, verifyClaims, validateTemplate, templateRecommendations } from './index';

const mjmlBody = (inner: string) => `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        ${inner}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;

describe('template validation', () => {
  it('reports a liquid syntax error with its line', async () => {
    const issues = await validateTemplate({ channel: 'email', subject: 'Hi', url: '', body: mjmlBody('<mj-text>Hello</mj-text>\n<mj-text>{% if profile.traits.vip %}VIP</mj-text>') });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'body', line: 6 });
    expect(issues[0]!.message).toMatch(/if/);
  });

  it('reports an MJML error with its line, and an unknown filter', async () => {
    const issues = await validateTemplate({ channel: 'email', subject: '{{ profile.traits.name | shout }}', url: '', body: mjmlBody('<mj-text>ok</mj-text>\n        <mj-nonsense />') });
    expect(issues.find((i) => i.field === 'subject')?.message).toMatch(/shout/);
    expect(issues.find((i) => i.field === 'body')).toMatchObject({ line: 6 });
    expect(issues.find((i) => i.field === 'body')!.message).toMatch(/mj-nonsense/);
  });

  it('reports liquid the MJML layout would drop', async () => {
    const issues = await validateTemplate({ channel: 'email', subject: 'Hi', url: '', body: mjmlBody('{% if vip %}<mj-text>VIP</mj-text>{% endif %}') });
    expect(issues.map((i) => i.message).join()).toMatch(/dropped by the layout/);
  });

  it('accepts a valid push template without MJML', async () => {
    expect(await validateTemplate({ channel: 'web_push', subject: 'Hi {{ profile.traits.first_name }}', body: 'Back in stock', url: 'https://shop.example/p/1' })).toEqual([]);
  });
});

describe('signed links', () => {
  const secret = 'x'.repeat(64);
  const claims = { w: 'ws', m: 'msg_1', p: 'prof', c: 'email', t: 'tpl' };

  it('round-trips and rejects a tampered token', () => {
    const token = signClaims(secret, 'click', { ...claims, u: 'https://shop.example/a' });
    expect(verifyClaims(secret, 'click', token)).toMatchObject({ ok: true, claims: { u: 'https://shop.example/a' } });
    const [payload, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, u: 'https://evil.example/' })).toString('base64url');
    expect(verifyClaims(secret, 'click', `${forged}.${sig}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyClaims('y'.repeat(64), 'click', token)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyClaims(secret, 'click', `${payload}.`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rewrites http links only, keeping mailto and opted-out links', () => {
    const html = '<a href="https://shop.example/a?x=1&amp;y=2">A</a> <a href="mailto:help@shop.example">M</a> <a data-overture-notrack href="https://shop.example/raw">R</a> <a href="https://shop.example/raw2" data-overture-notrack>R2</a> <a href="https://api.example/t/u/abc">U</a>';
    const out = rewriteLinks(html, { appSecret: secret, publicUrl: 'https://api.example', claims });
    const tracked = /href="https:\/\/api\.example\/t\/c\/([^"]+)"/.exec(out);
    expect(tracked).not.toBeNull();
    expect(verifyClaims(secret, 'click', tracked![1]!)).toMatchObject({ ok: true, claims: { u: 'https://shop.example/a?x=1&y=2' } });
    expect(out).toContain('href="mailto:help@shop.example"');
    expect(out).toContain('href="https://shop.example/raw"');
    expect(out).toContain('href="https://shop.example/raw2"');
    expect(out).toContain('href="https://api.example/t/u/abc"');
    expect(out.match(/\/t\/c\//g)).toHaveLength(1);
  });
});

// On the PostgreSQL server only: where the engines differ, src/stores/postgres/conformance.test.ts runs on both.
describe.each(['postgres'] as const)('templates router (%s)', (postgres) => {
  let app: App;
  let ws: Awaited<ReturnType<typeof createWorkspace>>;
  let ctx: Context;

  beforeAll(async () => {
    app = await createTestApp({ postgres });
    ws = await createWorkspace(app.postgres.db, 'templates');
    const user = await createTestUser(app, [ws.id]);
    ctx = { app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false };
    await ingest(app, ws.id, [
      { type: 'identify', userId: 'ada', traits: { email: 'ada@example.com', first_name: 'Ada' } },
      { type: 'track', userId: 'u1', event: 'Order Completed', properties: { products: [{ product_id: 'mug', name: 'Mug', price: 12, quantity: 1 }, { product_id: 'tee', name: 'Tee', price: 20, quantity: 3 }] } },
      { type: 'track', userId: 'u2', event: 'Order Completed', properties: { products: [{ product_id: 'mug', name: 'Mug', price: 12, quantity: 1 }] } },
      { type: 'track', userId: 'u3', event: 'Order Completed', properties: { products: [{ sku: 'cap', name: 'Cap', price: 9 }] } },
      { type: 'track', userId: 'u3', event: 'Product Viewed', properties: { products: [{ product_id: 'viewed-only', name: 'Nope' }] } },
    ]);
  });
  afterAll(() => app?.close());

  it('gives a person with no history best sellers by buyers (units break ties), each strategy by name', async () => {
    const recs = await templateRecommendations(app, ws.id, null, []);
    expect(recs.map((r) => r.product_id)).toEqual(['mug', 'tee', 'cap']);
    expect((await recs.best_sellers!).map((r) => r.product_id)).toEqual(['mug', 'tee', 'cap']);
  });

  it('saves, lists and previews a template against a chosen profile', async () => {
    const caller = appRouter.createCaller(ctx);
    const saved = await caller.templates.save({
      workspaceId: ws.id,
      template: {
        name: 'Welcome',
        channel: 'email',
        subject: 'Welcome {{ profile.traits.first_name }}',
        body: mjmlBody('<mj-text>Hi {{ traits.first_name }}, you came for {{ event.properties.item | default: "nothing" }}.</mj-text>\n<mj-text>{% for p in recommendations limit: 2 %}<p>{{ p.name }}</p>{% endfor %}</mj-text>'),
      },
    });
    expect((await caller.templates.list({ workspaceId: ws.id })).map((t) => t.name)).toEqual(['Welcome']);
    const profileId = await resolveProfileId(app, ws.id, { userId: 'ada' });
    const preview = await caller.templates.preview({ workspaceId: ws.id, template: { ...saved }, profileId, event: { name: 'Signed Up', properties: { item: 'shoes' } } });
    expect(preview).toMatchObject({ channel: 'email', subject: 'Welcome Ada' });
    if (preview.channel !== 'email') throw new Error('expected an email preview');
    expect(preview.html).toContain('Hi Ada, you came for shoes.');
    expect(preview.html.indexOf('Mug')).toBeGreaterThan(-1);
    expect(preview.html.indexOf('Mug')).toBeLessThan(preview.html.indexOf('Tee'));
    expect(preview.html).not.toContain('Cap');
  });

  it('refuses to save an invalid template, naming the field and line', async () => {
    const caller = appRouter.createCaller(ctx);
    await expect(
      caller.templates.save({ workspaceId: ws.id, template: { name: 'Broken', channel: 'email', subject: 'x', body: mjmlBody('<mj-text>{{ unclosed </mj-text>') } }),
    ).rejects.toThrow(/body line 5/);
    await expect(caller.templates.get({ workspaceId: ws.id, id: 'Broken' })).rejects.toThrow(/No template/);
  });
});
