import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createWorkspace, type TestApp } from '@overture/api/testing';
import { getJourneySettings, saveJourneySettings } from './settings';
import { hostAllowed } from './webhook';

describe('webhook allow-list rules', () => {
  it('matches hosts, host:port, *.domain on any port and *.domain:port on that port only', () => {
    const rules = ['api.shop.example', 'hooks.other.example:8443', '*.hooks.example', '*.secure.example:443', '*.alt.example:8443'];
    const cases: Array<[string, boolean]> = [
      ['https://api.shop.example/hook', true],
      ['https://api.shop.example:9000/hook', true],
      ['https://hooks.other.example:8443/x', true],
      ['https://hooks.other.example/x', false],
      ['https://a.hooks.example:8443/x', true],
      ['https://hooks.example/x', false],
      ['https://a.secure.example/x', true], // the default https port is 443
      ['http://a.secure.example/x', false],
      ['https://b.alt.example:8443/x', true],
      ['https://b.alt.example/x', false],
      ['https://evil.example/?api.shop.example', false],
    ];
    expect(cases.map(([url]) => [url, hostAllowed(url, rules)])).toEqual(cases);
  });
});

describe('journey settings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  }, 60_000);
  afterAll(() => app?.close());

  it('refuses a default time zone the engine could not use, naming the field, and keeps what was stored', async () => {
    const ws = await createWorkspace(app.postgres.db, 'settings-tz');
    await saveJourneySettings(app.postgres.db, ws.id, { defaultTimezone: 'Europe/Paris' });
    await expect(saveJourneySettings(app.postgres.db, ws.id, { defaultTimezone: 'Mars/Olympus' })).rejects.toThrow(/defaultTimezone/);
    expect((await getJourneySettings(app.postgres.db, ws.id)).defaultTimezone).toBe('Europe/Paris');
  });

  it('keeps a global control group of 0 to 20 % of profiles, off unless set, naming the field when out of range', async () => {
    const ws = await createWorkspace(app.postgres.db, 'settings-gcg');
    expect((await getJourneySettings(app.postgres.db, ws.id)).globalControlPercent).toBe(0);
    await saveJourneySettings(app.postgres.db, ws.id, { globalControlPercent: 5 });
    await expect(saveJourneySettings(app.postgres.db, ws.id, { globalControlPercent: 30 })).rejects.toThrow(/globalControlPercent/);
    expect((await getJourneySettings(app.postgres.db, ws.id)).globalControlPercent).toBe(5);
  });
});
