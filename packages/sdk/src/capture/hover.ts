import type { Core } from '../types';
import { listen, target } from './dom';

/** Interest in a product: the pointer rested on an element with `data-product-id` for a while. */
export function hover(c: Core) {
  let el: HTMLElement | null = null;
  let since = 0;
  const end = () => {
    const dwell = performance.now() - since;
    if (el && dwell >= (c.o.hoverDwellMs ?? 1000)) c.track('$product_hover', { product_id: el.dataset.productId, name: el.dataset.productName, dwell_ms: Math.round(dwell) });
    el = null;
  };
  listen(document, 'mouseover', (e) => {
    const p = target(e)?.closest<HTMLElement>('[data-product-id]') ?? null;
    if (p == el) return;
    end();
    el = p;
    since = performance.now();
  });
  c.pageEnd.push(end);
}
