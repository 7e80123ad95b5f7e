import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { latestEvents } from '../events/queries';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const googlebot = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const headless = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';

/** Sends one event and returns how it was stored. */
async function stored(event: Record<string, unknown>, headers: Record<string, string>) {
  const messageId = randomUUID();
  const res = await fetch(`${t.url}/v1/track`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ userId: 'u1', event: 'Order Completed', messageId, ...event }),
  });
  expect(res.status).toBe(200);
  const rs = await t.app.clickhouse.query({
    query: 'SELECT is_bot, bot_reason, context FROM events WHERE workspace_id = {ws:String} AND message_id = {id:String}',
    query_params: { ws: t.workspace.id, id: messageId },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ is_bot: number; bot_reason: string; context: string }>();
  return { isBot: row!.is_bot, reason: row!.bot_reason, context: JSON.parse(row!.context) as Record<string, unknown> };
}

describe('bot flagging', () => {
  it.each(['curl/8.5.0', 'axios/1.7.2', 'node-fetch/1.0', 'python-requests/2.32.3', 'Go-http-client/1.1', 'Java/17.0.2', 'okhttp/4.12.0'])(
    'keeps a server-side call from %s (the README curl example, a backend order) as a real event',
    async (agent) => {
      const e = await stored({ properties: { revenue: 42 } }, { 'user-agent': agent });
      expect(e).toMatchObject({ isBot: 0, reason: '' });
      // A server's HTTP client is not the person's device.
      expect(e.context.userAgent).toBeUndefined();
      expect(e.context.browser).toBeUndefined();
    },
  );

  it('flags a crawler a server forwards as context.userAgent, with the reason', async () => {
    const e = await stored({ context: { userAgent: googlebot } }, { 'user-agent': 'curl/8.5.0' });
    expect(e.isBot).toBe(1);
    expect(e.reason).toBe('user agent matches "Google"');
  });

  it("judges a browser's request by its own User-Agent", async () => {
    const origin = { origin: 'https://shop.example' };
    expect(await stored({}, { ...origin, 'user-agent': headless })).toMatchObject({ isBot: 1, reason: 'user agent matches "Headless"' });
    const human = await stored({}, { ...origin, 'user-agent': chrome });
    expect(human).toMatchObject({ isBot: 0, reason: '' });
    expect(human.context).toMatchObject({ userAgent: chrome, browser: { name: 'Chrome' }, os: { name: 'Windows' } });
    // The SDK's events are a browser's even when no Origin reaches us (a same-site proxy).
    const sdk = await stored({ context: { library: { name: 'overture-sdk', version: '1' } } }, { 'user-agent': googlebot });
    expect(sdk).toMatchObject({ isBot: 1, reason: 'user agent matches "Google"' });
  });

  it('says why on the Events page: browser automation', async () => {
    const e = await stored({ context: { userAgent: chrome, webdriver: true } }, {});
    expect(e).toMatchObject({ isBot: 1, reason: 'browser automation (navigator.webdriver)' });
    const [latest] = await latestEvents(t.app.clickhouse, t.workspace.id, 1);
    expect(latest).toMatchObject({ isBot: true, botReason: 'browser automation (navigator.webdriver)' });
  });
});
