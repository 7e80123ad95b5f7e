import type { LeafOf, LeafType } from './types';

// Labels for everything a condition can name. Typed as complete records over the API's unions, so
// a feature or condition kind added on the server fails the dashboard's typecheck until named here.

export const leafLabels: Record<LeafType, string> = {
  event: 'Performed event',
  last_performed: 'Last performed',
  trait: 'Trait',
  feature: 'Feature (number)',
  feature_text: 'Feature (text)',
  feature_date: 'Feature (date)',
  feature_list: 'Bought product / category',
  rfm_segment: 'RFM segment',
  rfm_score: 'RFM score',
  segment: 'Segment membership',
  reachable: 'Reachable on channel',
  consent: 'Consent',
  random_bucket: 'Random bucket',
};

export const leafTypes = Object.keys(leafLabels) as LeafType[];

export const numericFeatureLabels: Record<LeafOf<'feature'>['feature'], string> = {
  event_count: 'Events',
  sessions: 'Sessions',
  session_seconds: 'Total session time (s)',
  avg_session_seconds: 'Average session time (s)',
  days_since_last_visit: 'Days since last visit',
  page_views: 'Page views',
  pages_per_session: 'Pages per session',
  engaged_seconds: 'Engaged time (s)',
  avg_scroll_depth: 'Average scroll depth (%)',
  rage_clicks: 'Rage clicks',
  form_abandons: 'Form abandonments',
  engagement_score: 'Engagement score',
  orders: 'Orders',
  revenue: 'Revenue',
  refunds: 'Refunds',
  net_revenue: 'Net revenue',
  avg_order_value: 'Average order value',
  days_since_last_order: 'Days since last order',
  push_subscriptions: 'Web push subscriptions',
  churn_risk: 'Churn risk',
  cltv: 'CLTV estimate',
};

export const textFeatureLabels: Record<LeafOf<'feature_text'>['feature'], string> = {
  first_source: 'First-touch source',
  first_medium: 'First-touch medium',
  first_campaign: 'First-touch campaign',
  last_source: 'Last-touch source',
  last_medium: 'Last-touch medium',
  last_campaign: 'Last-touch campaign',
  referrer_class: 'Referrer class',
  email: 'Email',
};

export const dateFeatureLabels: Record<LeafOf<'feature_date'>['feature'], string> = {
  first_seen: 'First seen',
  last_seen: 'Last seen',
  first_order_at: 'First order',
  last_order_at: 'Last order',
  last_onsite_at: 'Last onsite visit',
};

export const listFeatureLabels: Record<LeafOf<'feature_list'>['feature'], string> = {
  products_bought: 'Products bought',
  categories_bought: 'Categories bought',
};

export const rfmSegmentNames: Record<LeafOf<'rfm_segment'>['segments'][number], true> = {
  Champions: true,
  Loyal: true,
  'Potential Loyalist': true,
  'New Customers': true,
  Promising: true,
  'Need Attention': true,
  'About to Sleep': true,
  'At Risk': true,
  "Can't Lose": true,
  Hibernating: true,
};
export type RfmSegmentName = keyof typeof rfmSegmentNames;
export const rfmSegmentList = Object.keys(rfmSegmentNames) as RfmSegmentName[];

export const numberOps: Record<LeafOf<'feature'>['op'], string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };
export const textOps: Record<LeafOf<'feature_text'>['op'], string> = { eq: 'is', neq: 'is not', contains: 'contains', not_contains: 'does not contain' };
export const traitOps: Record<LeafOf<'trait'>['op'], string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  exists: 'is set',
  not_exists: 'is not set',
};
export const propertyOps: Record<LeafOf<'event'>['where'][number]['op'], string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  exists: 'is set',
};
export const channelLabels: Record<LeafOf<'reachable'>['channel'], string> = { email: 'Email', web_push: 'Web push', onsite: 'Onsite' };
export const consentChannelLabels: Record<LeafOf<'consent'>['channel'], string> = { email: 'Email', web_push: 'Web push' };

/** Ordering comparisons compare numbers: a value typed as "42" is sent as 42 for them. */
export function typedValue(op: string, text: string): string | number {
  const t = text.trim();
  return ['gt', 'gte', 'lt', 'lte'].includes(op) && t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
}
