// Every storage access is guarded: storage can be disabled, full or throw in private modes.

export function lsGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function lsSet(key: string, value: string | null): boolean {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

/** The page's cookies as one `document.cookie`-style string, read once by `loadJar`. */
let jar = '';
/** Cookies are blocked: identity and session live in localStorage instead. */
let inStorage = false;

/**
 * Reads the identity cookies once per page, without blocking where the Cookie Store API exists
 * (Chromium, Safari 18.4+): a page's first `document.cookie` read is a synchronous round trip to the
 * browser process, 1-10 ms measured in Chromium. Elsewhere it is `document.cookie`. Only with no
 * cookie at all is `navigator.cookieEnabled` (also a round trip) asked whether they are blocked.
 */
export async function loadJar(): Promise<void> {
  const cs = window.cookieStore as CookieStore | undefined;
  // A refused read (blocked cookies may reject rather than read as none) is no cookie.
  jar = cs ? (await cs.getAll().catch(() => [])).map((c) => c.name + '=' + c.value).join('; ') : document.cookie;
  inStorage = !jar && !navigator.cookieEnabled;
}

/**
 * Identity and session state: a first-party cookie (shared across subdomains when `domain` is given),
 * or localStorage when cookies are blocked. Writing `document.cookie` does not wait on the browser
 * process (measured: as cheap as the Cookie Store API's `set`), so it serves every browser.
 */
export function save(key: string, value: unknown, domain?: string): void {
  const v = value == null ? null : JSON.stringify(value);
  if (inStorage) return void lsSet(key, v);
  document.cookie =
    key + '=' + (v ? encodeURIComponent(v) : '') + ';path=/;SameSite=Lax;max-age=' + (v ? 31536000 : 0) + (domain ? ';domain=' + domain : '') + (location.protocol == 'https:' ? ';Secure' : '');
}

/** A value saved by `save`, once `loadJar` has settled. */
export function load<T>(key: string): T | undefined {
  try {
    const m = jar.match('(?:^|; )' + key + '=([^;]*)');
    return JSON.parse((inStorage ? lsGet(key) : m && decodeURIComponent(m[1]!)) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

/** A random (v4) UUID; `crypto.randomUUID` exists only on secure origins. One call for all the randomness. */
export function uuid(): string {
  const r = crypto.getRandomValues(new Uint8Array(31));
  let i = 0;
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (+c ^ (r[i++]! & (15 >> (+c / 4)))).toString(16));
}
