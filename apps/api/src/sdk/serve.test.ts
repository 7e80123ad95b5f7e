import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testing';
import { installSnippet } from './snippet';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('serving the browser SDK', () => {
  it('serves /sdk.js briefly cached and gzipped, with an ETag', async () => {
    const res = await fetch(`${t.url}/sdk.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=300\b/);
    const code = await res.text(); // fetch inflates
    expect(code).toContain('overture-sdk');
    expect(code.length).toBeGreaterThan(5000);
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${t.url}/sdk.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('serves the deep capture module as a cross-origin ES module, briefly cached', async () => {
    const res = await fetch(`${t.url}/sdk/capture.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toMatch(/max-age=300\b/);
    expect(await res.text()).toMatch(/export\s*\{/);
  });

  it('serves the versioned path for a year, and 404s builds it does not have', async () => {
    const plain = await fetch(`${t.url}/sdk.js`, { headers: { 'accept-encoding': 'identity' } });
    const hash = plain.headers.get('etag')!.replaceAll('"', '');
    const tag = `v0.1.0-${hash.slice(0, 8)}`;
    const res = await fetch(`${t.url}/sdk/${tag}/sdk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toBe(await plain.text());
    const stale = await fetch(`${t.url}/sdk/v0.0.1-deadbeef/sdk.js`);
    expect(stale.status).toBe(404);
    expect(((await stale.json()) as { error: string }).error).toContain(`/sdk/${tag}/sdk.js`);
  });

  it('sends gzip -9 bytes to clients that accept gzip', async () => {
    const { request } = await import('node:http');
    const body = await new Promise<{ headers: Record<string, unknown>; data: Buffer }>((resolve, reject) => {
      request(`${t.url}/sdk.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ headers: res.headers, data: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(body.headers['content-encoding']).toBe('gzip');
    expect(body.data.length).toBeLessThanOrEqual(6000);
    expect(gunzipSync(body.data).toString()).toContain('overture-sdk');
  });
});

describe('installSnippet', () => {
  it('loads /sdk.js, passes init options and cannot be broken out of by a value', () => {
    const html = installSnippet({ writeKey: 'wk_1', host: 'https://o.example/', options: { requireConsent: true, x: '</script><b>' } });
    expect(html).toContain('s.src="https://o.example/sdk.js"');
    expect(html).toContain('overture.init("wk_1",{"host":"https://o.example","requireConsent":true');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });
});
