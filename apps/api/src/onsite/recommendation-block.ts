import type { App } from '../app-handle';
import { newRecId, recommendFromMemory, recommendedLink, recordRecommendationShown, type RecommendedItem } from '../recommendations';
import type { RecommendationBlock } from './placements';
import { sanitize } from './render';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const priceText = (price: number | null) => (price === null ? '' : price.toFixed(2));

/** The block's markup: a title and one card per product, sanitised like every onsite content. */
export function blockHtml(block: RecommendationBlock, items: RecommendedItem[], recId: string): string {
  const cards = items.map((p) => {
    const href = recommendedLink(p.url, recId);
    const inner = [
      p.image_url ? `<img src="${escape(p.image_url)}" alt="${escape(p.name)}" loading="lazy" style="width:100%;aspect-ratio:1;object-fit:cover;border-radius:6px">` : '',
      `<span style="display:block;font-weight:600;margin-top:6px">${escape(p.name)}</span>`,
      p.price === null ? '' : `<span style="display:block;opacity:.8">${priceText(p.price)}</span>`,
    ].join('');
    const style = 'flex:1 1 140px;max-width:200px;color:inherit;text-decoration:none';
    const attrs = `data-overture-product-id="${escape(p.product_id)}" style="${style}"`;
    return href ? `<a href="${escape(href)}" ${attrs}>${inner}</a>` : `<div ${attrs}>${inner}</div>`;
  });
  const title = block.title ? `<h3 style="margin:0 0 12px">${escape(block.title)}</h3>` : '';
  return sanitize(`<section data-overture-recs="${escape(recId)}">${title}<div style="display:flex;flex-wrap:wrap;gap:12px">${cards.join('')}</div></section>`);
}

export interface RenderedBlock {
  html: string;
  recId: string;
  items: RecommendedItem[];
}

/**
 * A visitor's block, ranked from the model in memory only (decide's latency budget). `productId` is
 * the product of the page, for `bought_together` and `similar`; without one they fall back. Null when
 * there is nothing to show (no model loaded yet in this process): the slot stays as the site left it.
 * The block is recorded as an impression of its strategy and placement (off the request path).
 */
export function renderRecommendationBlock(app: App, workspaceId: string, block: RecommendationBlock, placementId: string, profileId: string, productId: string | undefined): RenderedBlock | null {
  const recs = recommendFromMemory(app, workspaceId, { strategy: block.strategy, profileId, productIds: productId ? [productId] : [], limit: block.limit });
  if (recs.items.length === 0) return null;
  const recId = newRecId(block.strategy);
  recordRecommendationShown(app, workspaceId, { recId, strategy: block.strategy, source: { kind: 'placement', id: placementId }, profileId, items: recs.items });
  return { html: blockHtml(block, recs.items, recId), recId, items: recs.items };
}
