import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

// Cloud metadata services answer with credentials; name them in refusals so an operator sees why.
const metadataAddresses = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192']);
const metadataNames = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

// Global unicast: everything IANA hands out to the public IPv6 internet lies in 2000::/3.
const globalUnicast6 = ipaddr.parseCIDR('2000::/3');
// Forms that carry an IPv4 address inside an IPv6 one; the IPv4 address decides.
const translated6 = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052', '6to4']);
const localUseNat64 = ipaddr.parseCIDR('64:ff9b:1::/48');

function embeddedIpv4(ip: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = ip.parts;
  if (range === '6to4') return new ipaddr.IPv4([p[1]! >> 8, p[1]! & 0xff, p[2]! >> 8, p[2]! & 0xff]);
  if (translated6.has(range) || p.slice(0, 6).every((x) => x === 0)) return new ipaddr.IPv4([p[6]! >> 8, p[6]! & 0xff, p[7]! >> 8, p[7]! & 0xff]);
  return null;
}

/** An IP literal without brackets (`::1`, `127.0.0.1`), or null when it is not one. */
export function parseAddress(text: string): Address | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // Only canonical forms: a URL parser has already turned `0x7f.1` or `2130706433` into dotted quads.
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  return ipaddr.IPv6.isValid(bare) ? ipaddr.IPv6.parse(bare) : null;
}

const rangeWords: Record<string, string> = {
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  ipv4Mapped: 'IPv4-mapped',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  unicast: 'IPv4-compatible',
  reserved: 'IPv4-compatible',
};
const words = (range: string) => rangeWords[range] ?? range;

/**
 * Why an address must not be called from the server (`a loopback address`, `a metadata address`,
 * …), or null for a public one. IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64,
 * 6to4) are judged by that address, so `::ffff:127.0.0.1` is loopback.
 */
export function nonPublicReason(ip: Address): string | null {
  if (metadataAddresses.has(ip.toNormalizedString()) || metadataAddresses.has(ip.toString())) return 'a metadata address';
  if (ip.kind() === 'ipv4') {
    const range = ip.range();
    return range === 'unicast' ? null : `a ${words(range)} address`;
  }
  const v6 = ip as ipaddr.IPv6;
  if (v6.match(localUseNat64)) return 'a local-use NAT64 address';
  const range = v6.range();
  const inner = embeddedIpv4(v6, range);
  if (inner) {
    const innerReason = nonPublicReason(inner);
    if (innerReason) return `${innerReason} (${inner.toString()} in ${words(range)} form)`;
    // A public IPv4 address in a translation form reaches that public host; the deprecated compatible form is refused.
    return translated6.has(range) ? null : 'an IPv4-compatible address';
  }
  if (range !== 'unicast') return `a ${words(range)} address`;
  return v6.match(globalUnicast6) ? null : 'a reserved address';
}

/** Host names that reach this machine or a metadata service whatever DNS says. */
export function forbiddenNameReason(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'a loopback host';
  return metadataNames.has(name) ? 'a metadata host' : null;
}

/**
 * The host part as a URL parser normalises it (`0x7f.1` → `127.0.0.1`, `::1` → `[::1]`, lower
 * case), so the name checked is the name connected to; null when it is no valid host.
 */
export function normalizeHost(host: string): string | null {
  const trimmed = host.trim();
  if (!trimmed || /[\s/?#@\\]/.test(trimmed)) return null;
  const bracketed = trimmed.includes(':') && !trimmed.startsWith('[') ? `[${trimmed}]` : trimmed;
  try {
    return new URL(`http://${bracketed}/`).hostname;
  } catch {
    return null;
  }
}

/** An operator's allow-list: CIDRs and addresses, host names and `*.domain` suffixes. */
export interface AllowList {
  addresses: Array<[Address, number]>;
  names: string[];
}

const hostNamePattern = /^(\*\.)?([a-z0-9-]+\.)*[a-z0-9-]+$/;

/** Parses one entry; throws with the reason for a malformed one. */
function parseEntry(entry: string, into: AllowList): void {
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) throw new Error(`"${entry}" is not a CIDR range`);
    const [ip, bits] = ipaddr.parseCIDR(entry);
    into.addresses.push([ip, bits]);
    return;
  }
  const ip = parseAddress(entry);
  if (ip) {
    into.addresses.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    return;
  }
  const name = entry.toLowerCase().replace(/\.$/, '');
  if (!hostNamePattern.test(name)) throw new Error(`"${entry}" is neither an address, a CIDR range nor a host name`);
  into.names.push(name);
}

/** `127.0.0.1,10.0.0.0/8,smtp.internal,*.corp.example` → an allow-list; throws naming a bad entry. */
export function parseAllowList(text: string | undefined): AllowList {
  const list: AllowList = { addresses: [], names: [] };
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) parseEntry(entry, list);
  return list;
}

export function allowsAddress(list: AllowList, ip: Address): boolean {
  // `::ffff:10.0.0.1` is 10.0.0.1 for an IPv4 range.
  const plain = ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
  return list.addresses.some(([range, bits]) => range.kind() === plain.kind() && plain.match(range, bits));
}

export function allowsName(list: AllowList, hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return list.names.some((rule) => (rule.startsWith('*.') ? name.endsWith(rule.slice(1)) : rule === name));
}
