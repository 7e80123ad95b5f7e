import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface WorkspacesTable {
  id: string;
  name: string;
  created_at: CreatedAt;
  /** Time-relative features are computed as of this instant; null: now (live data). */
  as_of: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** ISO 4217 code money is shown in. */
  currency: ColumnType<string, string | undefined, string>;
  /** IANA zone times are shown in and journeys fall back to. */
  time_zone: ColumnType<string, string | undefined, string>;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  kind: 'write' | 'secret';
  /** Write keys are public and kept as they are; secret keys only as a SHA-256 hash. */
  token: string | null;
  token_hash: string;
  prefix: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  user_id: string;
  workspace_id: string;
  role: 'owner' | 'member';
  created_at: CreatedAt;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<string>;
  workspace_id: string;
  actor: string;
  action: string;
  subject: string;
  rule: string | null;
  detail: ColumnType<unknown, string, string>;
  created_at: CreatedAt;
}

export interface SegmentsTable {
  id: string;
  workspace_id: string;
  name: string;
  description: ColumnType<string, string | undefined, string>;
  /** The segment's condition tree (validated by segments/schema.ts). */
  definition: ColumnType<unknown, string, string>;
  version: ColumnType<number, number | undefined, number>;
  size: ColumnType<string | null, never, number | null>;
  /** Definition version of the last materialisation; null until the first (silent) baseline. */
  computed_version: number | null;
  refreshed_at: Date | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The one row naming this install (see migration 0070_install). */
export interface InstallTable {
  singleton: Generated<boolean>;
  id: string;
  created_at: CreatedAt;
}

/** The tables the store itself and the workspace, auth and segments domains keep here; every other domain adds its own (declaration merging in its `tables.ts`). */
export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  segments: SegmentsTable;
  install: InstallTable;
}

export type Workspace = Selectable<WorkspacesTable>;
export type NewWorkspace = Insertable<WorkspacesTable>;
export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
