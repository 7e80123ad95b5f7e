/** One row of ClickHouse `events`, ready for JSONEachRow. */
export interface EventRow {
  workspace_id: string;
  message_id: string;
  type: string;
  event: string;
  distinct_id: string;
  anonymous_id: string;
  user_id: string;
  group_id: string;
  previous_id: string;
  timestamp: string;
  sent_at: string | null;
  received_at: string;
  properties: string;
  traits: string;
  context: string;
  is_bot: number;
  /** Why the event counts as automated traffic ('' when it does not). */
  bot_reason: string;
}
