import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../testing';
import { signedInDashboard } from '../testing/dashboard-harness';

const expected = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

describe('security headers of the dashboard', () => {
  let server: TestServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overture-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'assets', 'app.js'), 'export {}');
    server = await startTestServer({ env: { DASHBOARD_DIR: dir } });
  });
  afterAll(() => server?.close());

  it.each(['/', '/w/some-workspace/events', '/assets/app.js'])('%s forbids framing, sniffing, other scripts and leaking its path', async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
    for (const [name, value] of Object.entries(expected)) expect(res.headers.get(name), name).toBe(value);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
  });
});

describe('the built dashboard under its security policy, in Chromium', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('signs in and opens every page without a policy violation', async () => {
    const { browser, page } = await signedInDashboard(server);
    try {
      const violations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
      await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI))" });
      const tabs = await page.locator(`a[href^="/w/${server.workspace.id}/"]`).evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
      expect(tabs.length).toBeGreaterThan(5);
      for (const href of tabs) {
        await page.goto(`${server.url}${href}`);
        await page.locator('main').first().waitFor();
      }
      expect(violations.join("\n")).toBe("");
    } finally {
      await browser.close();
    }
  });
});
