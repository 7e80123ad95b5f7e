import type { Availability, ObservedProduct } from './products';

type Props = Record<string, unknown>;

const text = (v: unknown, max: number): string | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) v = String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t && t.length <= max ? t : undefined;
};
const link = (v: unknown): string | undefined => {
  const t = text(v, 2048);
  return t && /^https?:\/\//i.test(t) ? t : undefined;
};

// schema.org availability values, as the SDK sends them (snake case).
const stock: Record<string, Availability> = {
  in_stock: 'in_stock', limited_availability: 'in_stock', online_only: 'in_stock', in_store_only: 'in_stock',
  out_of_stock: 'out_of_stock', sold_out: 'out_of_stock', discontinued: 'out_of_stock',
  pre_order: 'preorder', pre_sale: 'preorder', back_order: 'preorder', preorder: 'preorder',
};

/**
 * A product as a page described it in a `Product Viewed` event (the SDK's JSON-LD / data- attribute
 * capture, or a Segment client). Anything missing or out of bounds is left out, not guessed; an event
 * without an id and a name describes no product.
 */
export function productFromView(properties: Props, atMs: number): ObservedProduct | null {
  const product_id = text(properties.product_id, 200) ?? text(properties.sku, 200) ?? text(properties.id, 200);
  const name = text(properties.name, 500);
  if (!product_id || !name) return null;
  const price = typeof properties.price === 'number' && Number.isFinite(properties.price) && properties.price >= 0 && properties.price <= 1e9 ? properties.price : 0;
  const currency = text(properties.currency, 3)?.toUpperCase();
  const availability = stock[text(properties.availability, 40)?.toLowerCase() ?? ''];
  const product: ObservedProduct = { product_id, name, price, atMs };
  const url = link(properties.url);
  const image = link(properties.image_url) ?? link(properties.image);
  const category = text(properties.category, 300);
  const brand = text(properties.brand, 200);
  if (url) product.url = url;
  if (image) product.image_url = image;
  if (currency && /^[A-Z]{3}$/.test(currency)) product.currency = currency;
  if (category) product.category = category;
  if (brand) product.brand = brand;
  if (availability) product.availability = availability;
  return product;
}
