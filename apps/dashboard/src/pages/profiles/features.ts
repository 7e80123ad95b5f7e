import { formatDateTime } from '../../lib/format';

// How a profile's computed features are shown: grouped as the product describes them, each with a
// label and a formatter. Keys the server adds later still show, under "Other".

type Kind = 'count' | 'number' | 'money' | 'seconds' | 'date' | 'percent' | 'text' | 'list' | 'bool' | 'days';

export interface FeatureGroup {
  title: string;
  fields: Array<[key: string, label: string, kind: Kind]>;
}

export const featureGroups: FeatureGroup[] = [
  {
    title: 'Site-wide',
    fields: [
      ['first_seen', 'First seen', 'date'],
      ['last_seen', 'Last seen', 'date'],
      ['sessions', 'Sessions', 'count'],
      ['session_seconds', 'Total session time', 'seconds'],
      ['avg_session_seconds', 'Average session time', 'seconds'],
      ['days_since_last_visit', 'Days since last visit', 'days'],
      ['event_count', 'Events', 'count'],
    ],
  },
  {
    title: 'Page visits',
    fields: [
      ['page_views', 'Page views', 'count'],
      ['pages_per_session', 'Pages per session', 'number'],
    ],
  },
  {
    title: 'Deep engagement',
    fields: [
      ['engaged_seconds', 'Engaged time', 'seconds'],
      ['avg_scroll_depth', 'Average scroll depth', 'percent'],
      ['rage_clicks', 'Rage clicks', 'count'],
      ['form_abandons', 'Form abandonments', 'count'],
      ['engagement_score', 'Engagement score', 'number'],
    ],
  },
  {
    title: 'Acquisition',
    fields: [
      ['first_source', 'First source', 'text'],
      ['first_medium', 'First medium', 'text'],
      ['first_campaign', 'First campaign', 'text'],
      ['last_source', 'Last source', 'text'],
      ['last_medium', 'Last medium', 'text'],
      ['last_campaign', 'Last campaign', 'text'],
      ['referrer_class', 'Referrer class', 'text'],
    ],
  },
  {
    title: 'Commerce',
    fields: [
      ['orders', 'Orders', 'count'],
      ['revenue', 'Revenue', 'money'],
      ['refunds', 'Refunds', 'money'],
      ['net_revenue', 'Net revenue', 'money'],
      ['avg_order_value', 'Average order value', 'money'],
      ['first_order_at', 'First order', 'date'],
      ['last_order_at', 'Last order', 'date'],
      ['days_since_last_order', 'Days since last order', 'days'],
      ['products_bought', 'Products bought', 'list'],
      ['categories_bought', 'Categories bought', 'list'],
    ],
  },
  {
    title: 'Reachability',
    fields: [
      ['email', 'Email', 'text'],
      ['email_consent', 'Email consent', 'bool'],
      ['push_subscriptions', 'Web push subscriptions', 'count'],
      ['last_onsite_at', 'Last onsite visit', 'date'],
    ],
  },
];

/** Shown elsewhere on the profile page (RFM card, header) or internal. */
const shownElsewhere = new Set(['rfm_r', 'rfm_f', 'rfm_m', 'rfm_segment', 'churn_risk', 'cltv', 'computed_at', 'traits']);

/** Features the groups above do not name, so nothing the server computes is hidden. */
export function otherFeatures(features: Record<string, unknown>): string[] {
  const named = new Set(featureGroups.flatMap((g) => g.fields.map(([k]) => k)));
  return Object.keys(features)
    .filter((k) => !named.has(k) && !shownElsewhere.has(k))
    .sort();
}

const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** A feature value as text; null, empty and unparseable values show as an em dash. */
export function formatFeature(value: unknown, kind: Kind = 'text', timeZone = 'UTC'): string {
  if (value === null || value === undefined || value === '') return '—';
  switch (kind) {
    case 'date':
      return typeof value === 'string' ? formatDateTime(value, timeZone) : '—';
    case 'list':
      return Array.isArray(value) ? (value.length ? value.join(', ') : '—') : String(value);
    case 'bool':
      return num(value) > 0 || value === true ? 'yes' : 'no';
    case 'text':
      return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  const n = num(value);
  if (!Number.isFinite(n)) return String(value);
  switch (kind) {
    case 'count':
      return n.toLocaleString('en-US');
    case 'money':
      return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'seconds':
      return formatDuration(n);
    case 'percent':
      return `${n.toFixed(0)}%`;
    case 'days':
      return `${n.toLocaleString('en-US', { maximumFractionDigits: 1 })} d`;
    default:
      return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
}

/** A trait value as text: strings as they are, anything else as JSON. */
export const formatTrait = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Churn risk bands on 1 − P(alive) of the BG/NBD model. Chosen so the words agree with the RFM names:
 * on the UCI Online Retail data as of 2011-12-10, 99.8 % of repeat Champions are low, 92 % of At Risk
 * medium and half of Can't Lose high (the API's clv-retail test prints the table).
 */
export const churnBands = { medium: 0.01, high: 0.1 } as const;

/** Churn risk as words, from the model's probability that the customer has lapsed. */
export function churnLabel(risk: number | null, orders?: number): string {
  if (risk === null || !Number.isFinite(risk)) return 'unknown (no orders or no model fitted yet)';
  // BG/NBD lets customers lapse only after a repeat purchase, so one order says nothing about lapsing.
  if (orders === 1) return 'not estimated (one order)';
  const pct = `${(risk * 100).toFixed(risk < 0.1 ? 1 : 0)} % likely lapsed`;
  if (risk >= churnBands.high) return `high (${pct})`;
  if (risk >= churnBands.medium) return `medium (${pct})`;
  return `low (${pct})`;
}
