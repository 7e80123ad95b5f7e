// Test support for the SDK's browser tests: the real API, a site on another origin that embeds the
// snippet, Debian's Chromium, and reads of what landed in ClickHouse.
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { createWorkspace, startTestServer, type CreatedWorkspace, type TestServer } from './index';
import { listen } from '../http/server';
import { installSnippet } from '../sdk/snippet';
import { overriding } from '../kernel/overriding';

export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let shared: Promise<Browser> | null = null;

/**
 * Chromium for one test file. Test files that share a worker process share one Chromium (starting
 * one costs more than most browser tests do); each file gets a handle whose contexts are its own
 * and whose `close()` closes only those, so no file sees another's cookies, storage or pages.
 */
export async function launchChromium(): Promise<Browser> {
  shared ??= chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs }).then((browser) => {
    browser.on('disconnected', () => (shared = null));
    return browser;
  });
  shared.catch(() => (shared = null));
  return ownContexts(await shared);
}

function ownContexts(browser: Browser): Browser {
  const mine = new Set<BrowserContext>();
  const newContext = async (options?: BrowserContextOptions) => {
    const context = await browser.newContext(options);
    mine.add(context);
    context.on('close', () => mine.delete(context));
    return context;
  };
  const handle: Partial<Browser> = {
    newContext,
    // As Browser.newPage does: a context of the page's own, closed with it.
    newPage: async (options?: BrowserContextOptions) => {
      const context = await newContext(options);
      const page = await context.newPage();
      page.on('close', () => void context.close().catch(() => undefined));
      return page;
    },
    contexts: () => [...mine],
    close: async () => {
      await Promise.all([...mine].map((c) => c.close().catch(() => undefined)));
    },
  };
  return overriding(browser, handle);
}

/**
 * Chromium on a regular profile in `userDataDir`. `Browser.newContext()` contexts are off the
 * record, and Chromium refuses `PushManager.subscribe` in those outright ("Registration failed -
 * permission denied", notifications granted or not), so push subscriptions need this one.
 */
export function launchChromiumProfile(userDataDir: string, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: '/usr/bin/chromium', args: [...chromiumArgs, ...extraArgs] });
}

export interface LandedEvent {
  message_id: string;
  type: string;
  event: string;
  anonymous_id: string;
  user_id: string;
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown> & { page?: { path?: string }; session?: Record<string, unknown> };
  is_bot: number;
  raw: string;
}

export interface Site {
  api: TestServer;
  /** The site's origin (`http://localhost:<port>`), another origin than the API's `127.0.0.1`. */
  url: string;
  browser: Browser;
  /** Serves `html` at `path` (a path ending in `*` serves every path below it, as a single-page app). */
  page(path: string, html: string): void;
  /** A page body with the install snippet (and these `init` options) in its head. */
  html(body: string, options?: Record<string, unknown>, head?: string): string;
  /** The workspace pages send to; `fresh()` switches to a new one so a test sees only its own events. */
  workspace: CreatedWorkspace;
  fresh(): Promise<void>;
  newContext(options?: BrowserContextOptions): ReturnType<Browser['newContext']>;
  events(): Promise<LandedEvent[]>;
  /** Polls ClickHouse until `done` holds for the workspace's events (or fails with what it saw). */
  waitFor(done: (events: LandedEvent[]) => boolean, timeoutMs?: number): Promise<LandedEvent[]>;
  close(): Promise<void>;
}

export async function startSite(options: Parameters<typeof startTestServer>[0] = {}): Promise<Site> {
  const api = await startTestServer(options);
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const html = pages.get(path) ?? [...pages].find(([p]) => p.endsWith('*') && path.startsWith(p.slice(0, -1)))?.[1];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html ?? 'not found');
  });
  const port = await listen(server, 0, '127.0.0.1');
  const browser = await launchChromium();

  const events = async (): Promise<LandedEvent[]> => {
    const rs = await api.app.clickhouse.query({
      query: `SELECT message_id, type, event, anonymous_id, user_id, properties, traits, context, is_bot
              FROM events WHERE workspace_id = {workspaceId:String} ORDER BY timestamp, received_at`,
      query_params: { workspaceId: site.workspace.id },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<Omit<LandedEvent, 'properties' | 'traits' | 'context' | 'raw'> & { properties: string; traits: string; context: string }>();
    return rows.map((r) => ({ ...r, raw: r.properties + r.traits, properties: JSON.parse(r.properties), traits: JSON.parse(r.traits), context: JSON.parse(r.context) }));
  };

  const site: Site = {
    api,
    workspace: api.workspace,
    async fresh() {
      site.workspace = await createWorkspace(api.app.postgres.db, `site-${Math.random().toString(36).slice(2, 8)}`);
    },
    url: `http://localhost:${port}`,
    browser,
    page: (path, html) => void pages.set(path, html),
    html: (body, options = {}, head = '') =>
      `<!doctype html><html><head><meta charset="utf-8"><title>Test page</title>${head}${installSnippet({
        writeKey: site.workspace.writeKey,
        host: api.url,
        options: { flushInterval: 200, ...options },
      })}</head><body>${body}</body></html>`,
    newContext: (options) => browser.newContext(options),
    events,
    async waitFor(done, timeoutMs = 15000) {
      const until = Date.now() + timeoutMs;
      let seen: LandedEvent[] = [];
      while (Date.now() < until) {
        seen = await events();
        if (done(seen)) return seen;
        await new Promise((r) => setTimeout(r, 150));
      }
      throw new Error(`Timed out waiting for events; saw ${seen.length}: ${seen.map(label).join(', ')}`);
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await api.close();
    },
  };
  return site;
}

export const label = (e: Pick<LandedEvent, 'type' | 'event'>) => (e.type === 'track' ? e.event : e.type);
export const named = (events: LandedEvent[], name: string) => events.filter((e) => label(e) === name);

/** Physical rows per message id, without FINAL: a resend the server stored twice shows here. */
export async function duplicateRows(site: Site): Promise<number> {
  const rs = await site.api.app.clickhouse.query({
    query: `SELECT count() - uniqExact(message_id) AS dup FROM events WHERE workspace_id = {workspaceId:String}`,
    query_params: { workspaceId: site.workspace.id },
    clickhouse_settings: { final: 0 },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ dup: string }>();
  return Number(row?.dup ?? 0);
}
