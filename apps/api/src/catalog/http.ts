import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import { requireSecretKey } from '../workspaces/request-auth';
import { readJson } from '../kernel/http/body';
import { HttpError } from '../kernel/http/errors';
import { sendJson } from '../kernel/http/respond';
import type { ExtraRoute } from '../kernel/http/route';
import { announceCatalogMoments } from './moments';
import { catalogSettingsOf } from './settings';
import { upsertFeedProducts, validateProducts, type FeedProduct, type ProductError } from './products';

const maxBodyBytes = 5 * 1024 * 1024;
const maxItems = 5_000;

/**
 * The good products are stored, the bad ones come back with their index and field, as the batch
 * ingest API does. Only when none is good does the call fail.
 */
export function validateFeed(body: unknown): { products: FeedProduct[]; errors: ProductError[] } {
  const items = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { products?: unknown }).products) ? (body as { products: unknown[] }).products : null;
  if (!items) throw new HttpError(400, 'products: expected a JSON array of products (or {"products": [...]})');
  if (items.length === 0) throw new HttpError(400, 'products: the array is empty');
  if (items.length > maxItems) throw new HttpError(413, `products: at most ${maxItems} products per request, got ${items.length}`);
  const { products, errors } = validateProducts(items);
  return { products, errors: errors.map((e) => ({ ...e, message: `products[${e.index}]${e.field ? `.${e.field}` : ''}: ${e.message}` })) };
}

async function handleCatalogFeed(app: App, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const key = await requireSecretKey(app, req);
  const { products, errors } = validateFeed(await readJson(req, maxBodyBytes));
  if (products.length === 0) return sendJson(res, 400, { error: errors[0]?.message ?? 'no valid product', accepted: 0, errors });
  const now = Date.now();
  const { priceDropPercent } = await catalogSettingsOf(app, key.workspaceId);
  const { changed, moments } = await upsertFeedProducts(app.clickhouse, key.workspaceId, products, now, priceDropPercent);
  const { announced } = await announceCatalogMoments(app, key.workspaceId, moments, now);
  sendJson(res, 200, { success: errors.length === 0, accepted: products.length, changed, announced, errors });
}

export const catalogRoutes: ExtraRoute[] = [{ method: 'POST', path: '/v1/catalog', handler: (app, req, res) => handleCatalogFeed(app, req, res) }];
