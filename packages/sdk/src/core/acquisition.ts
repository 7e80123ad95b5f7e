/**
 * Acquisition: the campaign of the landing URL. The session keeps it with the landing referrer's host;
 * the server classifies both into a channel (search, social, paid...), so those lists can grow without
 * weighing on the bundle.
 */
export type Campaign = Record<string, string>;

const utm = ['source', 'medium', 'campaign', 'term', 'content'];
export const clickIds = ['gclid', 'gbraid', 'wbraid', 'dclid', 'fbclid', 'msclkid', 'ttclid', 'twclid', 'li_fat_id'];

/** UTM parameters (Segment names: `utm_campaign` becomes `name`) and ad click ids, or undefined when there are none. */
export function campaignFrom(search: string): Campaign | undefined {
  const params = new URLSearchParams(search);
  let out: Campaign | undefined;
  for (const k of [...utm.map((u) => 'utm_' + u), ...clickIds]) {
    const v = params.get(k);
    if (v) (out ??= {})[k == 'utm_campaign' ? 'name' : k.replace('utm_', '')] = v.slice(0, 100);
  }
  return out;
}

/** A short stable key telling one campaign from another (a new campaign starts a new session). */
export function campaignKey(c: Campaign | undefined): string {
  if (!c) return '';
  let h = 5381;
  const s = JSON.stringify(c);
  for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
