import type { Core } from '../types';
import { listen } from './dom';

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
      // milestones every 25 % (depth never passes 100), each once per page view
      if (c.on('scroll')) while (max >= sent + 25) c.track('$scroll', { depth: (sent += 25) });
    }, 200);
  });
}
