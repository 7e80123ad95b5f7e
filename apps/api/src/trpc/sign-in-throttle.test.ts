import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pbkdf2 } from 'node:crypto';
import { createTestUser, startTestServer, type TestServer } from '@overture/api/testing';
import { useLoginThrottle, verifyPassword, hashPassword, hashingLoad } from '../auth';

/** A tRPC mutation over HTTP as the dashboard sends it, from a chosen client address. */
function call(server: TestServer, path: string, input: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url, ...headers },
    body: JSON.stringify(input),
  });
}
const login = (server: TestServer, email: string, password: string, ip: string) => call(server, 'auth.login', { email, password }, { 'x-forwarded-for': ip });

describe('sign-in throttling', () => {
  let server: TestServer;
  let now = Date.parse('2026-12-01T10:00:00Z');
  const windowMs = 15 * 60_000;

  beforeAll(async () => {
    // One proxy hop trusted: each test request names its client address in X-Forwarded-For.
    server = await startTestServer({ env: { TRUST_PROXY_HOPS: '1' } });
  });
  afterAll(() => server?.close());

  it('blocks an account after 5 wrong passwords from any addresses, with Retry-After, the right password too, until the window passes', async () => {
    useLoginThrottle(server.app, { now: () => now, limits: { perAccount: 5, perIp: 1000, windowMs } });
    const user = await createTestUser(server.app, [server.workspace.id]);
    for (let i = 0; i < 5; i++) expect((await login(server, user.email, `wrong-${i}`, `10.0.0.${i + 1}`)).status).toBe(401);
    const blocked = await login(server, user.email, 'wrong-again', '10.0.1.1');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBe(windowMs / 1000);
    expect(((await blocked.json()) as { error: { message: string } }).error.message).toMatch(/Too many wrong passwords/);
    // The right password from a fresh address is refused as long as the account is blocked.
    now += 10 * 60_000;
    const right = await login(server, user.email.toUpperCase(), user.password, '10.0.2.1');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBe(5 * 60);
    expect(right.headers.get('set-cookie')).toBeNull();
    now += 5 * 60_000;
    const after = await login(server, user.email, user.password, '10.0.2.1');
    expect(after.status).toBe(200);
    expect(after.headers.get('set-cookie')).toMatch(/^overture_session=/);
  });

  it('blocks an address after its wrong passwords over many emails, even for a right password of another account', async () => {
    useLoginThrottle(server.app, { now: () => now, limits: { perAccount: 1000, perIp: 4, windowMs } });
    const user = await createTestUser(server.app, [server.workspace.id]);
    for (let i = 0; i < 4; i++) expect((await login(server, `nobody-${i}@example.com`, 'guess', '192.0.2.7')).status).toBe(401);
    const blocked = await login(server, user.email, user.password, '192.0.2.7');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await login(server, user.email, user.password, '192.0.2.8')).status).toBe(200);
    now += windowMs;
    expect((await login(server, user.email, user.password, '192.0.2.7')).status).toBe(200);
  });

  it('counts parallel guesses before their hashes finish: 10 at once against a limit of 5 get 5 checks', async () => {
    useLoginThrottle(server.app, { now: () => now, limits: { perAccount: 5, perIp: 1000, windowMs } });
    const user = await createTestUser(server.app, [server.workspace.id]);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => login(server, user.email, `parallel-${i}`, `10.7.0.${i + 1}`).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });

  it('counts a wrong current password of a password change against the account', async () => {
    useLoginThrottle(server.app, { now: () => now, limits: { perAccount: 2, perIp: 1000, windowMs } });
    const user = await createTestUser(server.app, [server.workspace.id]);
    const res = await login(server, user.email, user.password, '10.9.0.1');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    for (let i = 0; i < 2; i++) {
      const wrong = await call(server, 'auth.changePassword', { currentPassword: `x-${i}`, newPassword: 'a new password' }, { cookie, 'x-forwarded-for': '10.9.0.1' });
      expect(wrong.status).toBe(400);
    }
    const blocked = await call(server, 'auth.changePassword', { currentPassword: user.password, newPassword: 'a new password' }, { cookie, 'x-forwarded-for': '10.9.0.1' });
    expect(blocked.status).toBe(429);
  });
});

describe('password hashing', () => {
  it('runs one hash at a time, so a burst of sign-ins leaves libuv threads to other work', async () => {
    const stored = await hashPassword('correct horse battery');
    let finished = 0;
    const burst = Array.from({ length: 8 }, () => verifyPassword('wrong password', stored).then(() => finished++));
    // A tiny thread-pool job queued after the burst (like ingestion's gzip): with every thread hashing it
    // would wait for most of the burst; with hashing limited it runs beside the single hash.
    await new Promise((resolve, reject) => pbkdf2('x', 'salt', 1, 32, 'sha256', (err, key) => (err ? reject(err) : resolve(key))));
    expect(finished).toBeLessThanOrEqual(1);
    expect(hashingLoad().active).toBeLessThanOrEqual(1);
    await Promise.all(burst);
  });
});
