import type { Core, Props } from '../types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- schema.org data is untyped
const num = (v: unknown) => (v == null || v === '' || isNaN(Number(v)) ? undefined : Number(v));

/** Segment "Product Viewed" properties from a schema.org `Product` (JSON-LD). */
export function fromJsonLd(p: Json): Props {
  const offer: Json = [p.offers].flat()[0] ?? {};
  return {
    product_id: p.sku ?? p.productID ?? p.mpn ?? p['@id'],
    name: p.name,
    price: num(offer.price ?? offer.lowPrice),
    currency: offer.priceCurrency,
    category: p.category?.name ?? p.category,
    brand: p.brand?.name ?? p.brand,
  };
}

/** Every `Product` in a JSON-LD document, including inside arrays and `@graph`. */
export function findProducts(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => findProducts(n, out));
  else if (node && typeof node == 'object') {
    const n = node as Json;
    const type = n['@type'];
    if (type == 'Product' || (Array.isArray(type) && type.includes('Product'))) out.push(n);
    else findProducts(n['@graph'], out);
  }
  return out;
}

/** Product detail views, read from JSON-LD or from an element marked `data-overture-product` (`data-product-*`). */
export function products(c: Core) {
  const scan = () => {
    const seen = new Set<unknown>();
    const found: Props[] = [];
    document.querySelectorAll('script[type="application/ld+json"]').forEach((s) => {
      try {
        findProducts(JSON.parse(s.textContent ?? '')).forEach((p) => found.push(fromJsonLd(p)));
      } catch {
        // a site's broken JSON-LD is not our error
      }
    });
    document.querySelectorAll<HTMLElement>('[data-overture-product]').forEach(({ dataset: d }) => {
      // data-product-id, -name, -price, -category... become product_id, name, price, category...
      const p: Props = {};
      for (const k in d) if (k.startsWith('product') && k.length > 7) p[k == 'productId' ? 'product_id' : k[7]!.toLowerCase() + k.slice(8)] = d[k];
      p.price = num(p.price);
      found.push(p);
    });
    for (const p of found) {
      if (p.product_id == null || seen.has(p.product_id)) continue;
      seen.add(p.product_id);
      c.track('Product Viewed', p);
    }
  };
  // After the page has rendered (and a single-page app has drawn the new view), off the page view's path.
  c.pageStart.push(() => setTimeout(() => (document.readyState == 'loading' ? addEventListener('DOMContentLoaded', scan, { once: true }) : scan()), 300));
}
