import type { Core } from '../types';
import { listen } from './dom';

const milestones = [25, 50, 75, 100];

/** Scroll depth milestones once per page view, and the deepest point reached for `$pageleave`. */
export function scroll(c: Core) {
  let max = 0;
  let sent = 0;
  let waiting = false;
  const depth = () => {
    const h = document.documentElement.scrollHeight;
    return h <= innerHeight ? 100 : Math.min(100, Math.round(((scrollY + innerHeight) / h) * 100));
  };
  c.pageStart.push(() => (max = sent = 0));
  c.pageEnd.push((p) => (p.max_scroll = Math.max(max, depth())));
  listen(document, 'scroll', () => {
    if (waiting) return;
    waiting = true;
    setTimeout(() => {
      waiting = false;
      max = Math.max(max, depth());
      for (const m of milestones) {
        if (max >= m && sent < m) {
          sent = m;
          if (c.on('scroll')) c.track('$scroll', { depth: m });
        }
      }
    }, 200);
  });
}
