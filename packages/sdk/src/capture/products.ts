import type { Core, Props } from '../types';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- schema.org data is untyped
/** A number from a number or numeric text; nothing from empty or other text (`+''` would be 0). */
const num = (v: unknown) => (/\d/.test(v as string) && !isNaN(+(v as string)) ? +(v as string) : undefined);

/** A URL resolved against the page (relative `url`/`image` values are common), or nothing when it is not one. */
const abs = (u: unknown) => {
  try {
    return typeof u == 'string' ? new URL(u, document.baseURI).href : undefined;
  } catch {
    // not a URL: left out
  }
};

/**
 * Values as the JSON-LD or the `data-` attributes give them, normalised the same way: a number price,
 * absolute URLs and schema.org availability in snake case (`https://schema.org/InStock` → `in_stock`).
 */
const tidy = (p: Props): Props => ({
  ...p,
  price: num(p.price),
  availability: typeof p.availability == 'string' ? p.availability.replace(/.*[/:]/, '').replace(/\B[A-Z]/g, '_$&').toLowerCase() : undefined,
  url: abs(p.url),
  image: abs(p.image),
});

/** Segment "Product Viewed" properties from a schema.org `Product` (JSON-LD). */
export function fromJsonLd(p: Json): Props {
  const offer: Json = [p.offers].flat()[0] ?? {};
  // image: a URL, an ImageObject or a list of either; the first one is the product's picture
  const image: Json | string | undefined = [p.image].flat()[0];
  return tidy({
    product_id: p.sku ?? p.productID ?? p.mpn ?? p['@id'],
    name: p.name,
    price: offer.price ?? offer.lowPrice,
    currency: offer.priceCurrency,
    category: p.category?.name ?? p.category,
    brand: p.brand?.name ?? p.brand,
    availability: offer.availability,
    url: p.url ?? offer.url,
    image: (image as Json)?.url ?? (image as Json)?.contentUrl ?? image,
  });
}

/** Every `Product` in a JSON-LD document, including inside (nested) arrays and `@graph`. */
export const findProducts = (node: unknown): Json[] =>
  ([node].flat(9) as Json[]).flatMap((n) => ([n?.['@type']].flat().includes('Product') ? [n] : n?.['@graph'] ? findProducts(n['@graph']) : []));

/** Product detail views, read from JSON-LD or from an element marked `data-overture-product` (`data-product-*`). */
export function products(c: Core) {
  const scan = () => {
    const seen = new Set<unknown>();
    const found: Props[] = [];
    document.querySelectorAll('script[type="application/ld+json"]').forEach((s) => {
      try {
        found.push(...findProducts(JSON.parse(s.textContent!)).map(fromJsonLd));
      } catch {
        // a site's broken JSON-LD is not our error
      }
    });
    document.querySelectorAll<HTMLElement>('[data-overture-product]').forEach(({ dataset: d }) => {
      // data-product-id, -name, -price, -category, -availability, -url, -image... become product_id, name, price...
      const p: Props = {};
      for (const k in d) if (/^product./.test(k)) p[k == 'productId' ? 'product_id' : k[7]!.toLowerCase() + k.slice(8)] = d[k];
      found.push(tidy(p));
    });
    // once per product and page view (a page may describe it twice)
    for (const p of found) if (p.product_id != null && seen.size < seen.add(p.product_id).size) c.track('Product Viewed', p);
  };
  // After the page has rendered (and a single-page app has drawn the new view), off the page view's path;
  // DOMContentLoaded fires once, so its listener needs no `once`.
  c.pageStart.push(() => setTimeout(() => (document.readyState == 'loading' ? addEventListener('DOMContentLoaded', scan) : scan()), 300));
}
