import { z } from 'zod';
import type { ClickHouseClient } from '../stores/clickhouse';
import { chTime } from '../ingest/normalize';
import { chToIso, insertRows, selectRows } from '../stores/clickhouse/sql';
import { defaultCatalogSettings } from './settings';

export const availabilities = ['in_stock', 'out_of_stock', 'preorder', 'unknown'] as const;
export type Availability = (typeof availabilities)[number];

export interface CatalogProduct {
  product_id: string;
  name: string;
  url: string | null;
  image_url: string | null;
  price: number | null;
  currency: string | null;
  category: string | null;
  brand: string | null;
  availability: Availability;
  updated_at: string;
}

const httpUrl = z
  .string()
  .max(2048)
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

/** One product of the brand's feed: bounded in every field, because it arrives over the network. */
export const feedProductSchema = z
  .object({
    product_id: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(500),
    url: httpUrl.optional(),
    image_url: httpUrl.optional(),
    price: z.number().finite().min(0).max(1e9).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR').optional(),
    category: z.string().max(300).optional(),
    brand: z.string().max(200).optional(),
    availability: z.enum(availabilities).default('unknown'),
  })
  .strict();
export type FeedProduct = z.infer<typeof feedProductSchema>;

export interface ProductError {
  index: number;
  /** The offending field ('' when the item as a whole is wrong). */
  field: string;
  message: string;
}

/** Validates each product on its own, so one bad item costs only itself (feed API and file import alike). */
export function validateProducts(items: unknown[]): { products: FeedProduct[]; errors: ProductError[] } {
  const products: FeedProduct[] = [];
  const errors: ProductError[] = [];
  items.forEach((item, index) => {
    const parsed = feedProductSchema.safeParse(item);
    if (parsed.success) products.push(parsed.data);
    else {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? (issue as { keys?: string[] }).keys?.join(',') ?? '' : '';
      errors.push({ index, field, message: issue.message });
    }
  });
  return { products, errors };
}

interface ProductRow {
  product_id: string;
  name: string;
  url: string;
  image_url: string;
  price: number;
  currency: string;
  category: string;
  brand: string;
  availability: string;
  updated_at: string;
}

const orNull = (s: string) => (s === '' ? null : s);

function toProduct(r: ProductRow): CatalogProduct {
  return {
    product_id: r.product_id,
    name: r.name,
    url: orNull(r.url),
    image_url: orNull(r.image_url),
    price: r.price === null || r.price === undefined ? null : Number(r.price),
    currency: orNull(r.currency),
    category: orNull(r.category),
    brand: orNull(r.brand),
    availability: (availabilities as readonly string[]).includes(r.availability) ? (r.availability as Availability) : 'unknown',
    updated_at: chToIso(r.updated_at)!,
  };
}

/** The current state of the given products of a workspace; unknown ids are absent from the map. */
export async function productsByIds(clickhouse: ClickHouseClient, workspaceId: string, ids: string[]): Promise<Map<string, CatalogProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await selectRows<ProductRow>(
    clickhouse,
    `SELECT product_id, name, url, image_url, price, currency, category, brand, availability, updated_at
     FROM products FINAL WHERE workspace_id = {ws:String} AND product_id IN {ids:Array(String)}`,
    { ws: workspaceId, ids },
  );
  return new Map(rows.map((r) => [r.product_id, toProduct(r)]));
}

export interface PriceOrStockChange {
  product_id: string;
  at: string;
  price: number;
  currency: string;
  availability: string;
}

/** A product's price and availability over time, oldest first. */
export async function productHistory(clickhouse: ClickHouseClient, workspaceId: string, productId: string): Promise<PriceOrStockChange[]> {
  const rows = await selectRows<PriceOrStockChange>(
    clickhouse,
    `SELECT product_id, at, price, currency, availability FROM product_history
     WHERE workspace_id = {ws:String} AND product_id = {id:String} ORDER BY at`,
    { ws: workspaceId, id: productId },
  );
  return rows.map((r) => ({ ...r, price: Number(r.price), at: chToIso(r.at)! }));
}

/**
 * Writes feed products as the catalog's authoritative rows (source `feed`), and appends a history
 * row for each product that is new or whose price or availability changed. A feed product re-sent
 * unchanged adds no history, so a nightly full feed keeps the history small.
 */
export interface CatalogMoment {
  kind: 'back_in_stock' | 'price_drop';
  product: FeedProduct;
  oldPrice: number | null;
}

/**
 * Back in stock (out of stock before, in stock now) or a price drop of at least `priceDropPercent`
 * of the old price (the workspace's catalog setting).
 */
export function momentOf(before: CatalogProduct | undefined, after: FeedProduct, priceDropPercent: number = defaultCatalogSettings.priceDropPercent): CatalogMoment | null {
  if (!before) return null;
  if (before.availability === 'out_of_stock' && after.availability === 'in_stock') return { kind: 'back_in_stock', product: after, oldPrice: before.price };
  const oldPrice = before.price ?? 0;
  if (oldPrice > 0 && after.price !== undefined && after.availability !== 'out_of_stock' && dropReaches(oldPrice, after.price, priceDropPercent)) return { kind: 'price_drop', product: after, oldPrice };
  return null;
}

// Prices are decimals held in binary: a drop of exactly the threshold (80 → 76 at 5 %) must count.
function dropReaches(oldPrice: number, newPrice: number, percent: number): boolean {
  return (oldPrice - newPrice) * 100 >= percent * oldPrice - 1e-9 * oldPrice;
}

export async function upsertFeedProducts(clickhouse: ClickHouseClient, workspaceId: string, items: FeedProduct[], nowMs: number, priceDropPercent: number = defaultCatalogSettings.priceDropPercent): Promise<{ changed: number; moments: CatalogMoment[] }> {
  const latest = new Map<string, FeedProduct>();
  for (const item of items) latest.set(item.product_id, item);
  const before = await productsByIds(clickhouse, workspaceId, [...latest.keys()]);
  const at = chTime(nowMs);
  const rows = [...latest.values()].map((p) => ({
    workspace_id: workspaceId,
    product_id: p.product_id,
    name: p.name,
    url: p.url ?? '',
    image_url: p.image_url ?? '',
    price: p.price ?? 0,
    currency: p.currency ?? '',
    category: p.category ?? '',
    brand: p.brand ?? '',
    availability: p.availability,
    source: 'feed',
    updated_at: at,
  }));
  const history = rows
    .filter((r) => {
      const old = before.get(r.product_id);
      return !old || (old.price ?? 0) !== r.price || old.availability !== r.availability;
    })
    .map((r) => ({ workspace_id: workspaceId, product_id: r.product_id, at, price: r.price, currency: r.currency, availability: r.availability, source: 'feed' }));
  await insertRows(clickhouse, 'products', rows);
  await insertRows(clickhouse, 'product_history', history);
  const moments = [...latest.values()].map((p) => momentOf(before.get(p.product_id), p, priceDropPercent)).filter((m): m is CatalogMoment => m !== null);
  return { changed: history.length, moments };
}

export interface ObservedProduct {
  product_id: string;
  name: string;
  price: number;
  url?: string;
  image_url?: string;
  currency?: string;
  category?: string;
  brand?: string;
  availability?: Availability;
  /** When it was seen at this price (an order's or a view's time). */
  atMs: number;
}

/**
 * Products seen in orders or page views fill the catalog only where the brand's feed does not
 * describe them: a feed row is never overwritten by what an order line or a page claims.
 */
export async function upsertObservedProducts(clickhouse: ClickHouseClient, workspaceId: string, items: ObservedProduct[], source: 'order' | 'view'): Promise<{ written: number }> {
  let written = 0;
  for (let i = 0; i < items.length; i += 5_000) {
    const part = items.slice(i, i + 5_000);
    const fed = await selectRows<{ product_id: string }>(
      clickhouse,
      `SELECT product_id FROM products FINAL WHERE workspace_id = {ws:String} AND product_id IN {ids:Array(String)} AND source = 'feed'`,
      { ws: workspaceId, ids: part.map((p) => p.product_id) },
    );
    const skip = new Set(fed.map((r) => r.product_id));
    const rows = part
      .filter((p) => !skip.has(p.product_id))
      .map((p) => ({
        workspace_id: workspaceId,
        product_id: p.product_id,
        name: p.name,
        price: p.price,
        url: p.url ?? '',
        image_url: p.image_url ?? '',
        currency: p.currency ?? '',
        category: p.category ?? '',
        brand: p.brand ?? '',
        availability: p.availability ?? 'unknown',
        source,
        updated_at: chTime(p.atMs),
      }));
    await insertRows(clickhouse, 'products', rows);
    written += rows.length;
  }
  return { written };
}

export interface CatalogPage {
  products: Array<CatalogProduct & { source: string }>;
  total: number;
}

/** A page of the catalog, by name or id, products the feed knows first. */
export async function searchProducts(clickhouse: ClickHouseClient, workspaceId: string, options: { search?: string; limit: number; offset: number }): Promise<CatalogPage> {
  const params = { ws: workspaceId, q: options.search?.trim() ?? '', limit: options.limit, offset: options.offset };
  const where = `workspace_id = {ws:String} AND ({q:String} = '' OR positionCaseInsensitiveUTF8(name, {q:String}) > 0 OR positionCaseInsensitiveUTF8(product_id, {q:String}) > 0)`;
  const [rows, count] = await Promise.all([
    selectRows<ProductRow & { source: string }>(
      clickhouse,
      `SELECT product_id, name, url, image_url, price, currency, category, brand, availability, updated_at, source
       FROM products FINAL WHERE ${where}
       ORDER BY source = 'feed' DESC, name, product_id LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      params,
    ),
    selectRows<{ n: string }>(clickhouse, `SELECT count() AS n FROM products FINAL WHERE ${where}`, params),
  ]);
  return { products: rows.map((r) => ({ ...toProduct(r), source: r.source })), total: Number(count[0]?.n ?? 0) };
}
