import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import type { ExtraRoute } from '../kernel/http/route';
import { bearerOrBasicKey } from '../workspaces';
import { HttpError } from '../kernel/http/errors';
import { sendJson } from '../kernel/http/respond';
import { findProfileId } from '../profiles';
import { liveModel } from './model';
import { recommend } from './recommend';
import { strategies, type Strategy } from './strategies';

const maxLimit = 50;
const maxProducts = 20;
const secretParams = new Set(['strategy', 'profile_id', 'limit', 'product_id', 'category', 'exclude_purchased']);
const browserParams = new Set(['strategy', 'anonymous_id', 'user_id', 'limit', 'product_id', 'category', 'exclude_purchased']);

export interface RecommendationQuery {
  strategy: Strategy;
  limit: number;
  productIds: string[];
  category: string | null;
  excludePurchased: boolean | undefined;
  ids: Record<'profile_id' | 'anonymous_id' | 'user_id', string | undefined>;
}

function boundedId(field: string, v: string | undefined): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.length > 255) throw new HttpError(400, `${field}: at most 255 characters`);
  return v;
}

/** Every parameter checked and bounded; an unknown or repeated one is refused by name. */
export function parseRecommendationQuery(params: URLSearchParams, allowed: ReadonlySet<string>): RecommendationQuery {
  for (const name of new Set(params.keys())) {
    if (!allowed.has(name)) throw new HttpError(400, `${name}: unknown parameter (allowed: ${[...allowed].join(', ')})`);
    if (params.getAll(name).length > 1) throw new HttpError(400, `${name}: given more than once`);
  }
  const strategy = params.get('strategy') ?? 'for_you';
  if (!(strategies as readonly string[]).includes(strategy)) throw new HttpError(400, `strategy: must be one of ${strategies.join(', ')}`);
  const limitText = params.get('limit') ?? '10';
  if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > maxLimit) throw new HttpError(400, `limit: must be a whole number from 1 to ${maxLimit}`);
  const productIds = (params.get('product_id') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (productIds.length > maxProducts) throw new HttpError(400, `product_id: at most ${maxProducts} comma-separated products`);
  if (productIds.some((p) => p.length > 200)) throw new HttpError(400, 'product_id: each id at most 200 characters');
  if ((strategy === 'bought_together' || strategy === 'similar') && productIds.length === 0) throw new HttpError(400, `product_id: required for ${strategy} (a product, or a cart as comma-separated ids)`);
  const category = params.get('category') || null;
  if (category && category.length > 300) throw new HttpError(400, 'category: at most 300 characters');
  const exclude = params.get('exclude_purchased');
  if (exclude !== null && exclude !== 'true' && exclude !== 'false') throw new HttpError(400, 'exclude_purchased: must be true or false');
  return {
    strategy: strategy as Strategy,
    limit: Number(limitText),
    productIds,
    category,
    excludePurchased: exclude === null ? undefined : exclude === 'true',
    ids: {
      profile_id: boundedId('profile_id', params.get('profile_id') ?? undefined),
      anonymous_id: boundedId('anonymous_id', params.get('anonymous_id') ?? undefined),
      user_id: boundedId('user_id', params.get('user_id') ?? undefined),
    },
  };
}

/**
 * The profile of a profile, user or anonymous id: from the model, else from the store and remembered for a minute once known
 * (`app.services.recommendationProfileIds`): a request then costs no store round trip, and a merge shows within the minute
 * (recommendations tolerate that lag).
 */
async function profileOf(app: App, workspaceId: string, id: string): Promise<string | null> {
  // The model knows its people's ids (as of its build); others are asked of the identity map.
  const model = await liveModel(app, workspaceId);
  const known = model?.people.has(id) ? id : model?.ids.get(id);
  if (known) return known;
  const cache = app.services.recommendationProfileIds;
  const key = `${workspaceId}\u0000${id}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const profileId = await findProfileId(app, workspaceId, id);
  // Unknown ids are asked again next time: a new visitor's profile appears with their first event.
  if (profileId) cache.set(key, profileId);
  return profileId;
}

/**
 * The browser may only read its own recommendations: it names its anonymous id (random, known only
 * to that browser), and a user id only when it is linked to that same anonymous id's profile.
 */
async function browserProfile(app: App, workspaceId: string, ids: RecommendationQuery['ids']): Promise<string | null> {
  if (!ids.anonymous_id) throw new HttpError(400, 'anonymous_id: required with a write key (the browser asks for its own visitor only)');
  const own = await profileOf(app, workspaceId, ids.anonymous_id);
  if (!ids.user_id) return own;
  const claimed = await profileOf(app, workspaceId, ids.user_id);
  if (claimed === null) return own;
  if (claimed !== own) throw new HttpError(403, 'user_id: not linked to this browser\'s anonymous_id; a write key reads only its own visitor\'s recommendations');
  return own;
}

async function handle(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const key = bearerOrBasicKey(req);
  if (!key) throw new HttpError(401, 'Missing key: send a secret key (server) or the write key (browser) as "Authorization: Bearer ..." or the HTTP Basic user name');
  const resolved = await app.keys.resolve(key);
  if (!resolved) throw new HttpError(401, 'Unknown or revoked key');
  const secret = resolved.kind === 'secret';
  const q = parseRecommendationQuery(url.searchParams, secret ? secretParams : browserParams);
  let profileId: string | null;
  if (secret) profileId = q.ids.profile_id ? await profileOf(app, resolved.workspaceId, q.ids.profile_id) : null;
  else profileId = await browserProfile(app, resolved.workspaceId, q.ids);
  const result = await recommend(app, resolved.workspaceId, { strategy: q.strategy, profileId, productIds: q.productIds, category: q.category, limit: q.limit, excludePurchased: q.excludePurchased });
  sendJson(res, 200, result, { 'cache-control': 'private, max-age=60' });
}

export const recommendationRoutes: ExtraRoute[] = [{ method: 'GET', path: '/v1/recommendations', handler: handle, cors: true }];
