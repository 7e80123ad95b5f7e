import type { ColumnType } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface ServiceActionPoliciesTable {
  workspace_id: string;
  policy: Json<unknown>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** One row per followed action link (the link id is the primary key: a link acts once). */
export interface ServiceActionsTable {
  link_id: string;
  workspace_id: string;
  profile_id: string;
  message_id: string;
  action: string;
  order_id: string;
  status: 'pending' | 'done' | 'failed';
  webhook_status: number | null;
  error: string | null;
  /** When the link was (last) claimed: a retry or the takeover of a stale claim moves it. */
  created_at: ColumnType<Date, Date | string | undefined, Date>;
  completed_at: Date | null;
}

export interface ServiceTables {
  service_action_policies: ServiceActionPoliciesTable;
  service_actions: ServiceActionsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends ServiceTables {}
}
