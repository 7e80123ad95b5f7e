import type { App } from '../app-handle';
import type { LiveEvent } from '../events/queue';
import { chToIso } from '../stores/clickhouse/sql';
import { productFromView } from './observed';
import { upsertObservedProducts, type ObservedProduct } from './products';

/** Product views are what the catalog learns from. */
export const catalogAccepts = (e: LiveEvent): boolean => e.type === 'track' && e.event === 'Product Viewed';

/**
 * The real-time catalog consumer: products described by `Product Viewed` events fill the catalog
 * where the brand's feed does not describe them. The latest view of a product in the batch wins;
 * a retried step writes the same rows again, which the table's replacing merge absorbs.
 */
export async function consumeCatalogEvents(app: App, events: LiveEvent[]): Promise<void> {
  const byWorkspace = new Map<string, Map<string, ObservedProduct>>();
  for (const e of events) {
    if (!catalogAccepts(e)) continue;
    let properties: Record<string, unknown>;
    try {
      properties = JSON.parse(e.properties) as Record<string, unknown>;
    } catch {
      continue;
    }
    const product = productFromView(properties ?? {}, Date.parse(chToIso(e.timestamp) ?? '') || Date.now());
    if (!product) continue;
    const products = byWorkspace.get(e.workspaceId) ?? new Map<string, ObservedProduct>();
    const seen = products.get(product.product_id);
    if (!seen || seen.atMs <= product.atMs) products.set(product.product_id, product);
    byWorkspace.set(e.workspaceId, products);
  }
  for (const [workspaceId, products] of byWorkspace) await upsertObservedProducts(app.clickhouse, workspaceId, [...products.values()], 'view');
}
