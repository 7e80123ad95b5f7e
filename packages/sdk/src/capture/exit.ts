import type { Core } from '../types';
import { listen } from './dom';

/** The pointer left the page through the top edge (towards the tabs or the address bar): once per page view. */
export function exitIntent(c: Core) {
  let fired = false;
  c.pageStart.push(() => (fired = false));
  listen(document, 'mouseout', (e) => {
    const m = e as MouseEvent;
    if (!m.relatedTarget && m.clientY <= 0 && !fired) {
      fired = true;
      c.track('$exit_intent');
    }
  });
}
