import type { ColumnType, Generated } from 'kysely';

/** pg returns bigint as a string; engine times are epoch ms and fit a double. */
type Millis = ColumnType<string | number, number, number>;
type MillisOrNull = ColumnType<string | number | null, number | null | undefined, number | null>;
type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface JourneysTable {
  id: string;
  workspace_id: string;
  name: string;
  status: 'draft' | 'published' | 'paused' | 'archived';
  draft: Json<unknown>;
  published_version: number | null;
  entered: ColumnType<string | number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface JourneyVersionsTable {
  journey_id: string;
  version: number;
  definition: Json<unknown>;
  created_at: CreatedAt;
}

export interface JourneyRunsTable {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  node_id: string | null;
  step: number;
  status: string;
  wake_at: MillisOrNull;
  context: Json<Record<string, unknown>>;
  holdout: Generated<boolean>;
  entered_at: Millis;
  finished_at: MillisOrNull;
  last_message_at: MillisOrNull;
  last_message_node: string | null;
  converted_at: MillisOrNull;
  revenue: number | null;
  attributed_node: string | null;
}

export interface JourneyEntriesTable {
  journey_id: string;
  profile_id: string;
  occurrence: string;
  entries: number;
  last_entered_at: Millis;
}

export interface JourneyBroadcastsTable {
  journey_id: string;
  /** The trigger's `at`, as written in the definition. */
  scheduled_at: string;
  fired_at: Millis;
  entered: number;
}

export interface JourneyActionsTable {
  run_id: string;
  node_id: string;
  workspace_id: string;
  profile_id: string;
  channel: string | null;
  state: 'claimed' | 'done';
  outcome: Json<unknown> | null;
  claimed_at: Millis;
  done_at: MillisOrNull;
}

/** A step counter of the engine, keyed by (run, step, node, kind): a step repeated after a crash counts once. */
export interface JourneyStepEventsTable {
  run_id: string;
  step: number;
  node_id: string;
  kind: string;
  workspace_id: string;
  journey_id: string;
  reason: string;
  channel: string;
  at: Millis;
}

export interface JourneySettingsTable {
  workspace_id: string;
  settings: Json<unknown>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ChannelConsentsTable {
  workspace_id: string;
  profile_id: string;
  channel: string;
  subscription_group: string;
  granted: boolean;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ChannelSuppressionsTable {
  workspace_id: string;
  value: string;
  channel: string;
  reason: string;
  created_at: CreatedAt;
}

export interface TestSinkMessagesTable {
  idempotency_key: string;
  workspace_id: string;
  profile_id: string;
  channel: string;
  template: string;
  deliveries: Generated<number>;
  created_at: CreatedAt;
}

/** The journey tables, merged into the app's Database type. */
export interface JourneyTables {
  journeys: JourneysTable;
  journey_versions: JourneyVersionsTable;
  journey_runs: JourneyRunsTable;
  journey_entries: JourneyEntriesTable;
  journey_broadcasts: JourneyBroadcastsTable;
  journey_actions: JourneyActionsTable;
  journey_step_events: JourneyStepEventsTable;
  journey_settings: JourneySettingsTable;
  channel_consents: ChannelConsentsTable;
  channel_suppressions: ChannelSuppressionsTable;
  test_sink_messages: TestSinkMessagesTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends JourneyTables {}
}
