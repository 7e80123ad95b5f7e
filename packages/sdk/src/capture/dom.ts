import type { Props } from '../types';

export const listen = (target: EventTarget, type: string, fn: (e: Event) => void) => target.addEventListener(type, fn, { passive: true, capture: true });

/** Marked private by the site, or a password field: never its text, value or link. */
export const isPrivate = (el: Element) => el.closest('[data-overture-private],input[type=password]');

/** A short CSS path (up to the nearest id, at most four levels) telling elements apart in reports. */
export function selector(el: Element): string {
  const parts: string[] = [];
  for (let e: Element | null = el, i = 0; e && e != document.body && i < 4; e = e.parentElement, i++) {
    if (e.id) {
      parts.unshift('#' + e.id);
      break;
    }
    const cls = typeof e.className == 'string' ? e.className.trim().split(/\s+/).slice(0, 2).join('.') : '';
    parts.unshift(e.localName + (cls ? '.' + cls : ''));
  }
  return parts.join('>');
}

export function describe(el: Element): Props {
  const open = !isPrivate(el);
  return {
    tag: el.localName,
    selector: selector(el),
    text: open ? (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 80) : undefined,
    href: (open && el.getAttribute('href')) || undefined,
  };
}

export const target = (e: Event) => (e.target instanceof Element ? e.target : null);
