import { getAllTimezones } from 'countries-and-timezones';

/**
 * The tz database's rule zones (CET, EST5EDT, …) name a way of keeping clocks, not a place:
 * the package files them under the country of the zone they now link to, which would call
 * every `CET` browser Belgian.
 */
const ruleZone = /^([CEMW]ET|[EHM]ST|[A-Z]{3}\d[A-Z]{3})$/;

/**
 * IANA time zone → ISO 3166 country, from `countries-and-timezones` (the tz database's zone.tab
 * and its backward links, since browsers may report an old name such as Asia/Calcutta). A zone
 * shared by several countries counts as its principal one (Europe/Zurich → CH); zones of no
 * country (UTC, Etc/*) have none. A Map, because the name arrives from the browser: a plain
 * object would answer `constructor` or `__proto__`.
 */
const countryByZone = new Map<string, string>();
for (const zone of Object.values(getAllTimezones({ deprecated: true }))) {
  const country = zone.countries[0];
  if (country && !ruleZone.test(zone.name)) countryByZone.set(zone.name, country);
}

/** The country a browser's time zone (`Intl…resolvedOptions().timeZone`) belongs to, if it belongs to one. */
export function countryOfTimeZone(timeZone: unknown): string | undefined {
  return typeof timeZone === 'string' ? countryByZone.get(timeZone) : undefined;
}
