import type { Core } from '../types';
import { listen } from './dom';

/** Single-page apps: a history change or hash change that moves to another URL is a new page view. */
export function pageviews(c: Core) {
  let url = location.href;
  const check = () => {
    if (location.href != url) {
      url = location.href;
      c.page();
    }
  };
  c.pageStart.push(() => (url = location.href));
  for (const m of ['pushState', 'replaceState'] as const) {
    const original = history[m];
    history[m] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      check();
    };
  }
  listen(window, 'popstate', check);
  listen(window, 'hashchange', check);
}
