/** Site-wide visit state, kept in a small first-party cookie. */
export interface Session {
  id: string;
  /** Start, last activity, first ever seen and end of the previous session (recency), all in ms. */
  start: number;
  last: number;
  first: number;
  prev?: number | undefined;
  /** Visit number and pages seen in this visit. */
  count: number;
  pages: number;
  /** The visit's landing: campaign key, campaign and referrer host. */
  camp: string;
  campaign?: Record<string, string> | undefined;
  referrer: string;
}

export const sessionTimeout = 30 * 60 * 1000;

/**
 * Continues the session on activity, or starts the next one after 30 minutes of inactivity or when
 * the visitor arrives through a different campaign. Returns whether a new session started.
 */
export function touchSession(s: Session | null | undefined, now: number, landing: Pick<Session, 'camp' | 'campaign' | 'referrer'>, newId: () => string): [Session, boolean] {
  if (s && now - s.last < sessionTimeout && (!landing.camp || landing.camp == s.camp)) return [{ ...s, last: now }, false];
  return [{ id: newId(), start: now, last: now, first: s?.first ?? now, prev: s?.last, count: (s?.count ?? 0) + 1, pages: 0, ...landing }, true];
}
