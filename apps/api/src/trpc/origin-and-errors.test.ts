import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createTestUser, startTestServer, type TestServer } from '@overture/api/testing';
import { listen } from '../http/server';
import { createContext, publicProcedure, router } from './trpc';

async function signIn(server: TestServer): Promise<string> {
  const user = await createTestUser(server.app, [server.workspace.id]);
  const res = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  expect(res.status).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function signedIn(server: TestServer, cookie: string): Promise<boolean> {
  const res = await fetch(`${server.url}/trpc/auth.me`, { headers: { cookie } });
  return ((await res.json()) as { result: { data: unknown } }).result.data !== null;
}

describe('mutations from another origin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('refuses a cross-origin multipart form posted to auth.logout, and the session lives on', async () => {
    const cookie = await signIn(server);
    const form = new FormData();
    form.set('x', '1');
    const res = await fetch(`${server.url}/trpc/auth.logout`, { method: 'POST', body: form, headers: { cookie, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(403);
    expect(await signedIn(server, cookie)).toBe(true);
  });

  it('refuses a JSON mutation from another origin, or one a browser marks cross-site without Origin', async () => {
    const cookie = await signIn(server);
    const body = JSON.stringify({ workspaceId: server.workspace.id, queueTtlDays: 3 });
    for (const headers of [{ origin: 'https://evil.example' } as Record<string, string>, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: server.url.replace('127.0.0.1', 'localhost') }]) {
      const res = await fetch(`${server.url}/trpc/onsite.saveSettings`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/json', ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it('accepts the dashboard itself (same Origin) and a non-browser client (no Origin)', async () => {
    const cookie = await signIn(server);
    const save = await fetch(`${server.url}/trpc/onsite.saveSettings`, {
      method: 'POST',
      body: JSON.stringify({ workspaceId: server.workspace.id, queueTtlDays: 3 }),
      headers: { cookie, 'content-type': 'application/json' },
    });
    expect(save.status).toBe(200);
    const logout = await fetch(`${server.url}/trpc/auth.logout`, { method: 'POST', headers: { cookie, origin: server.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' } });
    expect(logout.status).toBe(200);
    expect(await signedIn(server, cookie)).toBe(false);
  });
});

describe('an unexpected error in a procedure', () => {
  let server: TestServer;
  let http: Server;
  let url: string;
  const logged: Array<{ msg: string; fields: Record<string, unknown> | undefined }> = [];

  beforeAll(async () => {
    server = await startTestServer();
    server.app.log = { debug() {}, info() {}, warn() {}, error: (msg, fields) => logged.push({ msg, fields }) };
    const failing = router({
      boom: publicProcedure.query(() => {
        throw new Error('relation "users" column password_hash at /srv/overture/apps/api/src/auth/users.ts:12');
      }),
    });
    const handler = createHTTPHandler({ router: failing, basePath: '/trpc/', createContext: ({ req }) => createContext(server.app, req.headers.cookie, undefined, false, req) });
    http = createServer((req, res) => void handler(req, res));
    url = `http://127.0.0.1:${await listen(http, 0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    http?.close();
    await server?.close();
  });

  it('answers 500 with a generic message and a reference, and logs the detail under that reference', async () => {
    const res = await fetch(`${url}/trpc/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toMatch(/password_hash|\/srv|users\.ts|relation/);
    const body = JSON.parse(text) as { error: { message: string; data: { errorId: string } } };
    expect(body.error.message).toMatch(/^Internal error \(reference [0-9a-f]{12}\)$/);
    const entry = logged.find((l) => l.fields?.errorId === body.error.data.errorId);
    expect(String(entry?.fields?.error)).toContain('password_hash');
  });
});
