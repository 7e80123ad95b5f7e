import type { Core } from '../types';
import { describe, listen, target } from './dom';
import { rageDetector } from './rage';

const clickable = 'a,button,[role=button],[role=link],input[type=submit],input[type=button],[data-overture-click]';
/** Clicks on these do something the DOM does not show (focus, native widgets, a new tab). */
const notDead = 'input,select,textarea,label,option,[contenteditable],a[target=_blank],a[download]';
const deadAfter = 2500;

/** Clicks on links and buttons, rage clicks, and dead clicks (nothing happened within 2.5 s). */
export function clicks(c: Core) {
  const rage = rageDetector();
  let watching: Array<{ el: Element; at: number }> = [];
  // Any DOM change, navigation, or a scroll or text selection right after the click means it did something.
  const observer = new MutationObserver(() => (watching = []));
  const soon = () => {
    const now = performance.now();
    watching = watching.filter((w) => now - w.at > 100);
  };
  listen(document, 'scroll', soon);
  // A click in text moves the caret (a collapsed selection): only selecting text counts.
  listen(document, 'selectionchange', () => getSelection()?.isCollapsed || soon());
  c.pageStart.push(() => (watching = []));

  listen(document, 'click', (ev) => {
    const el = target(ev);
    if (!el) return;
    const e = ev as MouseEvent;
    const hit = el.closest(clickable);
    if (hit && c.on('clicks')) c.track('$click', describe(hit));
    const n = c.on('rageClicks') && rage(e.timeStamp, e.clientX, e.clientY);
    if (n) c.track('$rage_click', { ...describe(hit ?? el), clicks: n });
    if (!c.on('deadClicks') || el.closest(notDead)) return;
    const w = { el: hit ?? el, at: performance.now() };
    if (!watching.length) observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
    watching.push(w);
    setTimeout(() => {
      if (watching.includes(w)) c.track('$dead_click', describe(w.el));
      watching = watching.filter((x) => x != w);
      if (!watching.length) observer.disconnect();
    }, deadAfter);
  });
}
