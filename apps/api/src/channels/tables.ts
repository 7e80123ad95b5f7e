import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export interface MessageTemplatesTable {
  id: string;
  workspace_id: string;
  name: string;
  channel: 'email' | 'web_push' | 'onsite';
  /** Email subject or push title (liquid). */
  subject: string;
  /** Email: MJML with liquid; push and onsite: liquid text. */
  body: string;
  /** Push: where a click on the notification leads (liquid). */
  url: string;
  /** Unsubscribing from this group stops this template's sends; '' is the channel as a whole. */
  subscription_group: string;
  /** Email: the sender identity it goes out as; null is the workspace's default sender. */
  sender_id: string | null;
  /** The variant everyone gets once the template's experiment is decided (null while it runs). */
  variant_winner: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface EmailSettingsTable {
  workspace_id: string;
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password_enc: string;
  from_address: string;
  from_name: string;
  updated_at: UpdatedAt;
}

/**
 * An email sender identity (From, Reply-To). A send uses the template's sender, else the row with
 * `is_default` (at most one per workspace), else `email_settings.from_address`/`from_name`.
 */
export interface EmailSendersTable {
  id: string;
  workspace_id: string;
  /** Display name of the From. */
  name: string;
  address: string;
  reply_to: string | null;
  is_default: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface PushVapidKeysTable {
  workspace_id: string;
  public_key: string;
  private_key_enc: string;
  subject: string;
  created_at: CreatedAt;
}

export interface PushSubscriptionsTable {
  id: string;
  workspace_id: string;
  profile_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  user_agent: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

/** One row per email Message-ID: 'sending' before the SMTP transaction, 'sent' after the relay's 250. */
export interface EmailSendsTable {
  message_id: string;
  workspace_id: string;
  profile_id: string;
  state: 'sending' | 'sent';
  attempts: Generated<number>;
  started_at: ColumnType<string | number, number, number>;
  sent_at: ColumnType<string | number | null, number | null | undefined, number | null>;
  /** When the relay reported accepting the Message-ID (its delivery notification), if it did. */
  relay_accepted_at: ColumnType<string | number | null, number | null | undefined, number | null>;
}

export interface ChannelTables {
  message_templates: MessageTemplatesTable;
  email_settings: EmailSettingsTable;
  email_senders: EmailSendersTable;
  push_vapid_keys: PushVapidKeysTable;
  push_subscriptions: PushSubscriptionsTable;
  email_sends: EmailSendsTable;
}

// The store's Database type is the sum of every domain's tables: each domain adds its own here,
// so the store knows no domain.
declare module '../stores/postgres/types' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a merge, not a new type
  interface Database extends ChannelTables {}
}
