import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type PlacementKind = 'top_bar' | 'modal' | 'slide_in' | 'inline' | 'cta';

export interface OnsitePlacementsTable {
  id: string;
  workspace_id: string;
  name: string;
  kind: PlacementKind;
  active: boolean;
  priority: number;
  content: string;
  target: string;
  href: string;
  rules: ColumnType<unknown, string, string>;
  /** A recommendation block's strategy, count and title (JSON); null when the content is the placement's own. */
  recommendations: ColumnType<unknown, string | null | undefined, string | null>;
  /** The placement's variants (JSON array); empty when it runs no experiment. */
  variants: ColumnType<unknown, string | undefined, string>;
  /** The variant everyone sees once the experiment is decided (null while it runs). */
  variant_winner: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OnsiteQueueTable {
  workspace_id: string;
  message_id: string;
  profile_id: string;
  template_id: string;
  journey_id: string;
  node_id: string;
  kind: PlacementKind;
  html: string;
  /** The template variant the message was rendered as ('' for none). */
  variant: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  expires_at: Date;
  shown_at: Date | null;
  expired_at: Date | null;
}

export interface OnsiteImpressionsTable {
  workspace_id: string;
  message_id: string;
  profile_id: string;
  placement_id: string;
  shown_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface OnsiteDismissalsTable {
  workspace_id: string;
  profile_id: string;
  placement_id: string;
  dismissed_at: Date;
}

export interface OnsiteSettingsTable {
  workspace_id: string;
  queue_ttl_days: number;
  updated_at: UpdatedAt;
}

export interface OnsiteTables {
  onsite_placements: OnsitePlacementsTable;
  onsite_queue: OnsiteQueueTable;
  onsite_impressions: OnsiteImpressionsTable;
  onsite_settings: OnsiteSettingsTable;
  onsite_dismissals: OnsiteDismissalsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends OnsiteTables {}
}
