import type { App } from '../app-handle';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import type { TrackingClaims } from '../templates';

/** Kinds as the journey engine reads them (`sent`, `open`, `click` feed best channel and best time). */
/** `impression` and `dismiss` are onsite's: the content was shown, or closed by the visitor. */
export type OutcomeKind = 'sent' | 'delivered' | 'open' | 'click' | 'bounce' | 'complaint' | 'unsubscribe' | 'skipped' | 'failed' | 'expired' | 'impression' | 'dismiss';

export interface MessageOutcome {
  workspaceId: string;
  messageId: string;
  profileId: string;
  channel: string;
  kind: OutcomeKind;
  templateId?: string;
  journeyId?: string;
  nodeId?: string;
  /** The experiment variant the message or onsite show belonged to. */
  variant?: string;
  reason?: string;
  detail?: Record<string, unknown>;
  at?: Date;
}


export { outcomeInsertIntervalMs } from './outcome-writer';

/** One row per (message, kind) in ClickHouse `message_events`: the channel's part of the profile's history. */
export async function recordOutcomes(app: App, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await app.services.outcomeWriter.write(
    outcomes.map((o) => ({
      workspace_id: o.workspaceId,
      message_id: o.messageId,
      profile_id: o.profileId,
      journey_id: o.journeyId ?? '',
      node_id: o.nodeId ?? '',
      channel: o.channel,
      kind: o.kind,
      template_id: o.templateId ?? '',
      variant: o.variant ?? '',
      reason: o.reason ?? '',
      detail: o.detail ? JSON.stringify(o.detail) : '',
      at: chTime(o.at ?? new Date()),
    })),
  );
}

export function outcomeOfClaims(claims: TrackingClaims, kind: OutcomeKind, extra: Partial<MessageOutcome> = {}): MessageOutcome {
  return {
    workspaceId: claims.w,
    messageId: claims.m,
    profileId: claims.p,
    channel: claims.c,
    kind,
    templateId: claims.t,
    ...(claims.j ? { journeyId: claims.j } : {}),
    ...(claims.n ? { nodeId: claims.n } : {}),
    ...(claims.v ? { variant: claims.v } : {}),
    ...extra,
  };
}

export interface MessageHistoryRow {
  messageId: string;
  channel: string;
  kind: string;
  templateId: string;
  journeyId: string;
  reason: string;
  at: string;
}

/** A profile's messages and what became of them, newest first (the timeline's message part). */
export async function messageHistory(app: App, workspaceId: string, profileId: string, limit = 100): Promise<MessageHistoryRow[]> {
  const rows = await selectRows<{ message_id: string; channel: string; kind: string; template_id: string; journey_id: string; reason: string; at: string }>(
    app.clickhouse,
    `SELECT message_id, channel, kind, template_id, journey_id, reason, at FROM message_events FINAL
     WHERE workspace_id = {ws:String} AND profile_id = {p:String}
     ORDER BY at DESC, kind LIMIT {limit:UInt32}`,
    { ws: workspaceId, p: profileId, limit },
  );
  return rows.map((r) => ({ messageId: r.message_id, channel: r.channel, kind: r.kind, templateId: r.template_id, journeyId: r.journey_id, reason: r.reason, at: `${r.at.replace(' ', 'T')}Z` }));
}

/**
 * Outcome rows `(profile_id, kind, at)` of one workspace as a subquery, for readouts of other domains
 * that join them in ClickHouse (experiment guardrails); it takes {ws:String} and {outcomeKinds:Array(String)}.
 */
export const outcomeRowsSql = `SELECT profile_id, kind, at FROM message_events FINAL WHERE workspace_id = {ws:String} AND kind IN {outcomeKinds:Array(String)}`;
