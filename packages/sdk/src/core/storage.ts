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

function cookieGet(key: string): string | null {
  const m = document.cookie.match('(?:^|; )' + key + '=([^;]*)');
  return m ? decodeURIComponent(m[1]!) : null;
}

/**
 * Identity and session state: a first-party cookie (shared across subdomains when `domain` is given),
 * or localStorage when cookies are blocked. Only one of the two is touched: each first access is a
 * synchronous round trip to the browser process.
 */
export function save(key: string, value: unknown, domain?: string): void {
  const v = value == null ? null : JSON.stringify(value);
  if (!navigator.cookieEnabled) return void lsSet(key, v);
  document.cookie =
    key + '=' + (v ? encodeURIComponent(v) : '') + ';path=/;SameSite=Lax;max-age=' + (v ? 31536000 : 0) + (domain ? ';domain=' + domain : '') + (location.protocol == 'https:' ? ';Secure' : '');
}

export function load<T>(key: string): T | undefined {
  try {
    return JSON.parse((navigator.cookieEnabled ? cookieGet(key) : lsGet(key)) ?? 'null') ?? undefined;
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
