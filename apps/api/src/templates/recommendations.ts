import type { App } from '../app-handle';
import { newRecId, recommend, recommendedLink, recordRecommendationShown, strategies, type RecommendedItem, type RecSource, type Strategy } from '../recommendations';

export type RecommendedProduct = RecommendedItem;

/** The message a template renders for: its recommendation links are attributed to it. */
export type MessageSource = RecSource & { kind: 'message'; /** The template reads `recommendations` itself (the `for_you` list), not only a strategy of it. */ readsList: boolean };

/** What `recommendations` reads as in a template: the person's `for_you` list, with each strategy by name. */
export type TemplateRecommendations = RecommendedProduct[] & Partial<Record<Strategy, Promise<RecommendedProduct[]>>>;

const listLimit = 6;
const strategyLimit = 12;

/**
 * Personal recommendations for a template. Marketers write `{% for p in recommendations.for_you limit: 4 %}`
 * or any other strategy by name (`recommendations.trending`, `recommendations.buy_again`...);
 * `recommendations` alone is the `for_you` list. A strategy is computed only when the template reads
 * it, from the model in memory. `bought_together` and `similar` start from the trigger event's product.
 */
export async function templateRecommendations(app: App, workspaceId: string, profileId: string | null, eventProductIds: string[], source?: MessageSource): Promise<TemplateRecommendations> {
  const ask = async (strategy: Strategy, limit: number, record = true) => {
    const items = (await recommend(app, workspaceId, { strategy, profileId, productIds: eventProductIds, limit })).items;
    if (!source || !profileId) return items;
    // A message's links carry the recommendation id (the click tracker keeps it on its redirect), and
    // the list counts as shown once the template reads it.
    const recId = newRecId(strategy);
    if (record) recordRecommendationShown(app, workspaceId, { recId, strategy, source, profileId, items });
    return items.map((p) => ({ ...p, url: recommendedLink(p.url, recId) ?? p.url }));
  };
  const list = (await ask('for_you', listLimit, source?.readsList ?? false)) as TemplateRecommendations;
  for (const strategy of strategies) {
    let value: Promise<RecommendedProduct[]> | undefined;
    Object.defineProperty(list, strategy, { enumerable: false, get: () => (value ??= ask(strategy, strategyLimit)) });
  }
  return list;
}

/** The product ids a trigger event is about (`product_id`, `sku`, or its `products[]`). */
export function eventProductIds(properties: Record<string, unknown> | undefined): string[] {
  if (!properties) return [];
  const idOf = (o: unknown) => {
    if (!o || typeof o !== 'object') return '';
    const r = o as Record<string, unknown>;
    const id = r.product_id ?? r.sku ?? r.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : '';
  };
  const ids = [idOf(properties), ...(Array.isArray(properties.products) ? properties.products.slice(0, 20).map(idOf) : [])];
  return [...new Set(ids.filter(Boolean))];
}
