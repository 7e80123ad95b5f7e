import type { ColumnType } from 'kysely';

export interface CatalogSettingsTable {
  workspace_id: string;
  price_drop_percent: ColumnType<number, number | undefined, number>;
  moment_window_days: ColumnType<number, number | undefined, number>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface CatalogTables {
  catalog_settings: CatalogSettingsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends CatalogTables {}
}
