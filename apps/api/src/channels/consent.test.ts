import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type App } from '@overture/api/testing';
import { blockedReason, setConsent, suppress } from './consent';

describe('blockedReason', () => {
  let app: App;
  let ws: string;
  let other: string;
  beforeAll(async () => {
    app = await createTestApp();
    ws = (await createWorkspace(app.postgres.db, 'consent')).id;
    other = (await createWorkspace(app.postgres.db, 'consent-other')).id;
    await setConsent(app, ws, 'p-out', 'email', '', false);
    await setConsent(app, ws, 'p-news-out', 'email', 'news', false);
    await setConsent(app, ws, 'p-granted', 'email', '', true);
    await setConsent(app, ws, 'p-push-out', 'web_push', '', false);
    await suppress(app, ws, 'Bounced@Example.com', 'email', 'bounce');
    await suppress(app, ws, 'p-all', 'all', 'erased');
    await setConsent(app, ws, 'p-all', 'email', '', false);
    await suppress(app, other, 'p-elsewhere', 'email', 'bounce');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers each of many concurrent checks (one batch) for its own recipient', async () => {
    const cases: Array<[string, string | null, string, string, 'suppressed' | 'unsubscribed' | null]> = [
      ['p-out', 'out@example.com', 'email', 'news', 'unsubscribed'],
      ['p-out', 'out@example.com', 'email', '', 'unsubscribed'],
      ['p-news-out', 'n@example.com', 'email', 'news', 'unsubscribed'],
      ['p-news-out', 'n@example.com', 'email', 'promotions', null],
      ['p-news-out', 'n@example.com', 'email', '', null],
      ['p-granted', 'g@example.com', 'email', 'news', null],
      ['p-push-out', 'push@example.com', 'email', '', null],
      ['p-push-out', null, 'web_push', '', 'unsubscribed'],
      ['p-bounced', 'BOUNCED@example.com', 'email', '', 'suppressed'],
      ['p-bounced', 'bounced@example.com', 'web_push', '', null],
      ['p-all', null, 'web_push', '', 'suppressed'],
      ['p-all', 'all@example.com', 'email', 'news', 'suppressed'],
      ['p-elsewhere', 'e@example.com', 'email', '', null],
      ['p-new', null, 'onsite', 'news', null],
    ];
    const answers = await Promise.all(cases.map(([profileId, address, channel, group]) => blockedReason(app, ws, { profileId, address }, channel, group)));
    expect(answers).toEqual(cases.map((c) => c[4]));
  });

  it('sees a change made just before the check', async () => {
    expect(await blockedReason(app, ws, { profileId: 'p-late', address: 'late@example.com' }, 'email', 'news')).toBeNull();
    await setConsent(app, ws, 'p-late', 'email', 'news', false);
    expect(await blockedReason(app, ws, { profileId: 'p-late', address: 'late@example.com' }, 'email', 'news')).toBe('unsubscribed');
    await suppress(app, ws, 'late@example.com', 'email', 'complaint');
    expect(await blockedReason(app, ws, { profileId: 'p-late', address: 'late@example.com' }, 'email', 'news')).toBe('suppressed');
  });
});
