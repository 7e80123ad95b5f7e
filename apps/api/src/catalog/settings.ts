import type { Updateable } from 'kysely';
import { z } from 'zod';
import type { App } from '../app-handle';
import { topics } from '../stores/invalidation';
import type { TopicCache } from '../stores/topic-cache';
import type { CatalogSettingsTable } from './tables';

/** When a price drop or a restock is worth telling the people who looked at the product. */
export interface CatalogSettings {
  /** A drop of at least this share of the old price, in percent, is a price-drop moment. */
  priceDropPercent: number;
  /** A view or an add to cart within this many days makes someone one of the people told. */
  momentWindowDays: number;
}

export const defaultCatalogSettings: CatalogSettings = { priceDropPercent: 10, momentWindowDays: 30 };

// Below 1 % every rounding of a price would message people; above 90 % no sale ever would.
export const catalogSettingsSchema = z.object({
  priceDropPercent: z.number({ error: 'must be a number' }).min(1, { error: 'must be a percentage between 1 and 90' }).max(90, { error: 'must be a percentage between 1 and 90' }),
  momentWindowDays: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number of days' }).min(1, { error: 'must be between 1 and 365 days' }).max(365, { error: 'must be between 1 and 365 days' }),
});

export class CatalogSettingsError extends Error {}

// Every feed batch reads them; a save drops every process's copy, the TTL only covers a missed message.
const cacheMs = 60_000;
declare module '../app-handle' {
  interface Services {
    /** Catalog alert settings per workspace (built in `createServices`). */
    catalogSettingsCache: TopicCache<Promise<CatalogSettings>>;
  }
}

export function catalogSettingsOf(app: App, workspaceId: string): Promise<CatalogSettings> {
  return app.services.catalogSettingsCache.load(workspaceId, cacheMs, () => loadCatalogSettings(app, workspaceId));
}

async function loadCatalogSettings(app: App, workspaceId: string): Promise<CatalogSettings> {
  const row = await app.postgres.db.selectFrom('catalog_settings').select(['price_drop_percent', 'moment_window_days']).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? { priceDropPercent: Number(row.price_drop_percent), momentWindowDays: row.moment_window_days } : { ...defaultCatalogSettings };
}

/** Saves the settings given (the others keep their value) and drops every process's cached copy. */
export async function setCatalogSettings(app: App, workspaceId: string, patch: Partial<CatalogSettings>): Promise<CatalogSettings> {
  const parsed = catalogSettingsSchema.partial().safeParse(patch);
  if (!parsed.success) throw new CatalogSettingsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const next = { ...(await loadCatalogSettings(app, workspaceId)), ...stripUndefined(parsed.data) };
  const values: Updateable<CatalogSettingsTable> = { price_drop_percent: next.priceDropPercent, moment_window_days: next.momentWindowDays, updated_at: new Date() };
  await app.postgres.db
    .insertInto('catalog_settings')
    .values({ workspace_id: workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  app.invalidation.publish(topics.catalogSettings, workspaceId);
  return next;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
