/** The request headers that tell where a browser request came from. */
export interface RequestOrigin {
  origin: string | undefined;
  host: string | undefined;
  /** `Sec-Fetch-Site`, sent by current browsers even where they leave out Origin. */
  fetchSite: string | undefined;
}

/**
 * Whether a state-changing request comes from the dashboard itself: its Origin is the public URL's or
 * the Host it was sent to. Browsers send Origin with every POST; a request with neither Origin nor
 * Sec-Fetch-Site comes from a non-browser client (curl, a script), which no other site can drive with
 * the user's cookie.
 */
export function isSameOrigin(req: RequestOrigin, publicUrl: string): boolean {
  if (req.origin === undefined) return req.fetchSite === undefined || req.fetchSite === 'same-origin' || req.fetchSite === 'none';
  if (req.origin === 'null') return false;
  let origin: URL;
  try {
    origin = new URL(req.origin);
  } catch {
    return false;
  }
  if (origin.origin === new URL(publicUrl).origin) return true;
  return req.host !== undefined && origin.host === req.host.toLowerCase();
}
