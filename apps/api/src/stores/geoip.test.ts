import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '@overture/api/testing';
import { writeMmdb } from '../testing/mmdb';
import { selectRows } from './clickhouse/sql';
import { openGeoIp, GeoIpError } from './geoip';

const london = {
  city: { names: { en: 'London' } },
  country: { iso_code: 'GB', names: { en: 'United Kingdom' } },
  subdivisions: [{ iso_code: 'ENG', names: { en: 'England' } }],
  location: { latitude: 51.5142, longitude: -0.0931, time_zone: 'Europe/London' },
  postal: { code: 'EC2V' },
};
const lyon = { city: { names: { en: 'Lyon' } }, country: { iso_code: 'FR' }, location: { latitude: 45.75, longitude: 4.85, time_zone: 'Europe/Paris' } };

describe('city-level location from a configured GeoIP database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'geoip-'));
  const file = join(dir, 'City.mmdb');
  writeFileSync(file, writeMmdb({ '81.2.69.0/24': london, '90.0.0.0/8': lyon }));
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { GEOIP_DATABASE: file, TRUST_PROXY_HOPS: '1' } });
  });
  afterAll(() => t?.close());

  it('reads networks of a MaxMind database into Segment location keys', async () => {
    const geo = await openGeoIp(file);
    expect(geo('81.2.69.160')).toEqual({ country: 'GB', region: 'England', regionCode: 'ENG', city: 'London', postalCode: 'EC2V', latitude: 51.5142, longitude: -0.0931, timezone: 'Europe/London' });
    expect(geo('90.12.1.1')).toMatchObject({ country: 'FR', city: 'Lyon' });
    expect(geo('10.0.0.1')).toBeUndefined();
    expect(geo('not an ip')).toBeUndefined();
  });

  it('locates ingested events by the client IP; the time zone still gives the country of unknown addresses', async () => {
    const ids = [randomUUID(), randomUUID()];
    const res = await fetch(`${t.url}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${t.workspace.writeKey}:`).toString('base64')}`, 'content-type': 'application/json', 'x-forwarded-for': '81.2.69.160' },
      body: JSON.stringify({
        batch: [
          { type: 'track', event: 'Viewed', anonymousId: 'a1', messageId: ids[0] },
          { type: 'track', event: 'Viewed', anonymousId: 'a2', messageId: ids[1], context: { ip: '10.1.2.3', timezone: 'Europe/Berlin' } },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const rows = await selectRows<{ message_id: string; context: string }>(t.app.clickhouse, 'SELECT message_id, context FROM events WHERE workspace_id = {ws:String}', { ws: t.workspace.id });
    const located = Object.fromEntries(rows.map((r) => [r.message_id, (JSON.parse(r.context) as { location?: unknown }).location]));
    expect(located[ids[0]!]).toMatchObject({ country: 'GB', city: 'London', region: 'England' });
    expect(located[ids[1]!]).toEqual({ country: 'DE' });
  });

  it('refuses a missing or unreadable database with a message naming the setting', async () => {
    await expect(openGeoIp(join(dir, 'nope.mmdb'))).rejects.toThrow(GeoIpError);
    await expect(openGeoIp(join(dir, 'nope.mmdb'))).rejects.toThrow(/GEOIP_DATABASE: no file/);
    const junk = join(dir, 'junk.mmdb');
    writeFileSync(junk, 'not a database');
    await expect(openGeoIp(junk)).rejects.toThrow(/GEOIP_DATABASE: .* is not a readable MaxMind database/);
  });
});
