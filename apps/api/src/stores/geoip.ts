import { existsSync } from 'node:fs';
import maxmind, { type CityResponse } from 'maxmind';

type Json = Record<string, unknown>;

/** City-level location of an IP address, when a GeoIP database is configured. */
export type GeoLookup = (ip: string) => Json | undefined;

export class GeoIpError extends Error {}

/**
 * City-level location from a MaxMind GeoIP2 / GeoLite2 City database (`.mmdb`), in the keys of
 * Segment's `context.location`. Private and unknown addresses give nothing, so the time zone's
 * country still applies to them.
 */
export async function openGeoIp(path: string): Promise<GeoLookup> {
  if (!existsSync(path)) throw new GeoIpError(`GEOIP_DATABASE: no file at ${path} (a MaxMind GeoLite2-City.mmdb, or leave it unset)`);
  let reader;
  try {
    // The reader's own cache keeps repeated visitors' lookups cheap; its file watch is not wanted.
    reader = await maxmind.open<CityResponse>(path, { watchForUpdates: false, cache: { max: 10_000 } });
  } catch (err) {
    throw new GeoIpError(`GEOIP_DATABASE: ${path} is not a readable MaxMind database (${(err as Error).message})`);
  }
  return (ip) => {
    if (!maxmind.validate(ip)) return undefined;
    const r = reader.get(ip);
    if (!r) return undefined;
    const region = r.subdivisions?.[0];
    const location = {
      country: r.country?.iso_code,
      region: region?.names.en,
      regionCode: region?.iso_code,
      city: r.city?.names.en,
      postalCode: r.postal?.code,
      latitude: r.location?.latitude,
      longitude: r.location?.longitude,
      timezone: r.location?.time_zone,
    };
    const found = Object.fromEntries(Object.entries(location).filter(([, v]) => v !== undefined));
    return Object.keys(found).length ? found : undefined;
  };
}
