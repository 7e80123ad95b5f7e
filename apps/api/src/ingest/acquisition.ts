// Classifies a visit's acquisition channel from what the browser SDK keeps about the session's landing
// (`context.session.campaign` and `context.session.referrer`, the referrer's host). It runs here rather
// than in the SDK so the lists can grow without weighing on the browser bundle.

export type Channel = 'paid' | 'email' | 'social' | 'search' | 'referral' | 'direct' | 'internal';

const clickIds = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'twclid', 'li_fat_id', 'epik', 'sccid', 'yclid'];

const byMedium: Array<[Channel, RegExp]> = [
  ['paid', /^(cpc|ppc|paid|cpm|cpv|cpa|display|banner|retargeting|affiliate|sponsored)/],
  ['email', /e-?mail|newsletter/],
  ['social', /social/],
  ['search', /organic|seo/],
];
const byHost: Array<[Channel, RegExp]> = [
  // webmail first: mail.google.com is not a search
  ['email', /(^|\.)(mail\.[a-z]+|outlook\.live|outlook\.office|webmail\.[a-z]+|gmx|proton)\.[a-z.]+$|^(mail|webmail)\./],
  ['search', /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|naver|seznam|qwant|startpage|ask|aol|brave|sogou)\.[a-z.]+$/],
  [
    'social',
    /(^|\.)(facebook|fb|instagram|t|x|twitter|linkedin|lnkd|pinterest|reddit|tiktok|youtube|youtu|snapchat|threads|whatsapp|wa|vk|tumblr|quora|discord|messenger|telegram|mastodon|bsky)\.[a-z.]+$/,
  ],
];

/**
 * Ad click ids and the campaign's medium decide first; then the referrer's host (or, without a
 * referrer, utm_source read as a host name); a campaign with neither is a referral; no referrer is direct.
 */
export function classifySource(campaign: Record<string, unknown> | undefined, referrerHost: string, pageHost: string | (() => string) = ''): Channel {
  if (campaign && clickIds.some((k) => campaign[k])) return 'paid';
  const medium = String(campaign?.medium ?? '').toLowerCase();
  for (const [channel, re] of byMedium) if (re.test(medium)) return channel;
  const ref = referrerHost.toLowerCase();
  const host = ref || String(campaign?.source ?? '').toLowerCase() + '.com';
  for (const [channel, re] of byHost) if (re.test(host)) return channel;
  if (campaign && Object.keys(campaign).length) return 'referral';
  if (!ref) return 'direct';
  // Only this last case needs the page's host, which callers may compute lazily (URL parsing is not free).
  const site = (typeof pageHost === 'function' ? pageHost() : pageHost).toLowerCase().replace(/^www\./, '');
  return site && (ref === site || ref.endsWith('.' + site) || site.endsWith('.' + ref.replace(/^www\./, ''))) ? 'internal' : 'referral';
}
