import type { AudienceRow } from './audience';

const header = ['profile_id', 'user_id', 'name', 'email', 'first_seen', 'last_seen', 'orders', 'revenue', 'rfm', 'rfm_segment', 'cltv'];

/**
 * One CSV field (RFC 4180). Names and emails are whatever a site sent with its write key: a value that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe so it stays text.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const audienceCsvHeader = `${header.join(',')}\r\n`;

export function audienceCsvLines(rows: AudienceRow[]): string {
  return rows
    .map((r) =>
      [r.id, r.userId, r.name, r.email, r.firstSeen, r.lastSeen, r.orders, Math.round(r.revenue * 100) / 100, r.rfm, r.rfmSegment, Math.round(r.cltv * 100) / 100]
        .map(csvField)
        .join(','),
    )
    .map((line) => `${line}\r\n`)
    .join('');
}
