import { useMemo, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

// A deliberately tiny router: the dashboard has a handful of URL shapes, so History API + one matcher do.

const navigateEvent = 'overture:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(navigateEvent, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(navigateEvent, onChange);
  };
}

const currentHref = () => window.location.pathname + window.location.search;

export function navigate(to: string, { replace = false }: { replace?: boolean } = {}): void {
  if (to === currentHref()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(navigateEvent));
}

export function useLocation(): { pathname: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, currentHref);
  return useMemo(() => {
    const url = new URL(href, 'http://x');
    return { pathname: url.pathname, search: url.searchParams };
  }, [href]);
}

/** Replaces some query parameters of the current URL; empty values remove them. */
export function setSearchParams(patch: Record<string, string | undefined>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v) params.set(k, v);
    else params.delete(k);
  }
  const qs = params.toString();
  navigate(window.location.pathname + (qs ? `?${qs}` : ''), { replace: true });
}

export type Route =
  | { name: 'home' }
  | { name: 'workspace'; workspaceId: string; page: string; rest: string[] }
  | { name: 'notFound' };

/** `/w/<workspace>/<page>[/<more>...]`: which page and what follows is for the page registry to judge. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  const m = /^\/w\/([^/]+)\/([a-z][a-z-]*)((?:\/[^/]+)*)\/?$/.exec(pathname);
  if (!m?.[1] || !m[2]) return { name: 'notFound' };
  const rest = (m[3] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
  return { name: 'workspace', workspaceId: decodeURIComponent(m[1]), page: m[2], rest };
}

export const workspacePath = (workspaceId: string, page: string, ...rest: string[]) =>
  `/w/${encodeURIComponent(workspaceId)}/${page}${rest.map((r) => `/${encodeURIComponent(r)}`).join('')}`;

export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}
