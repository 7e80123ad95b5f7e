import { describe, expect, it } from 'vitest';
import { searchTimeZones, utcOffset, zoneLabel } from './timeZones';

const winter = new Date('2026-01-15T12:00:00Z');
const zones = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Europe/Paris', 'Europe/Berlin'];

describe('the time zone picker', () => {
  it('labels a zone with its city, abbreviation and offset that day', () => {
    expect(zoneLabel('America/New_York', winter)).toBe('America/New York · EST, UTC-5');
    expect(zoneLabel('Asia/Tokyo', winter)).toBe('Asia/Tokyo · UTC+9');
    expect(zoneLabel('UTC', winter)).toBe('UTC');
    expect(zoneLabel('Europe/London', new Date('2026-07-01T12:00:00Z'))).toBe('Europe/London · BST, UTC+1');
    expect(utcOffset('Asia/Kolkata', winter)).toBe('UTC+5:30');
    expect(utcOffset('UTC', winter)).toBe('UTC');
  });

  it('finds zones by any words of their label', () => {
    expect(searchTimeZones('new york', zones, (z) => zoneLabel(z, winter))).toEqual(['America/New_York']);
    expect(searchTimeZones('CET', zones, (z) => zoneLabel(z, winter))).toEqual(['Europe/Paris', 'Europe/Berlin']);
    expect(searchTimeZones('+5:30', zones, (z) => zoneLabel(z, winter))).toEqual(['Asia/Kolkata']);
    expect(searchTimeZones('europe ber', zones, (z) => zoneLabel(z, winter))).toEqual(['Europe/Berlin']);
    expect(searchTimeZones('  ', zones, (z) => zoneLabel(z, winter))).toEqual(zones);
    expect(searchTimeZones('atlantis', zones, (z) => zoneLabel(z, winter))).toEqual([]);
  });
});
