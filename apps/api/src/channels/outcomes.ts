import type { App } from '../app';
import { selectRows } from '../profiles/sql';
import type { TrackingClaims } from '../templates';

/** Kinds as the journey engine reads them (`sent`, `open`, `click` feed best channel and best time). */
export type OutcomeKind = 'sent' | 'delivered' | 'open' | 'click' | 'bounce' | 'complaint' | 'unsubscribe' | 'skipped' | 'failed' | 'expired';

export interface MessageOutcome {
  workspaceId: string;
  messageId: string;
  profileId: string;
  channel: string;
  kind: OutcomeKind;
  templateId?: string;
  journeyId?: string;
  nodeId?: string;
  reason?: string;
  detail?: Record<string, unknown>;
  at?: Date;
}

const chTime = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

type OutcomeRow = Record<string, string>;

/**
 * Group commit for outcome rows: concurrent sends share one ClickHouse insert (one insert per
 * send would cost more than the send), and each caller still waits until its rows are stored.
 */
class OutcomeWriter {
  #pending: OutcomeRow[] = [];
  #waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  #flushing = false;

  constructor(private readonly app: App) {}

  write(rows: OutcomeRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push(...rows);
      this.#waiters.push({ resolve, reject });
      if (!this.#flushing) setImmediate(() => void this.#flush());
      this.#flushing = true;
    });
  }

  async #flush(): Promise<void> {
    while (this.#pending.length > 0) {
      const rows = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      try {
        await this.app.clickhouse.insert({ table: 'message_events', format: 'JSONEachRow', values: rows });
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.#flushing = false;
  }
}

const writers = new WeakMap<App, OutcomeWriter>();

/** One row per (message, kind) in ClickHouse `message_events`: the channel's part of the profile's history. */
export async function recordOutcomes(app: App, outcomes: MessageOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  let writer = writers.get(app);
  if (!writer) writers.set(app, (writer = new OutcomeWriter(app)));
  await writer.write(
    outcomes.map((o) => ({
      workspace_id: o.workspaceId,
      message_id: o.messageId,
      profile_id: o.profileId,
      journey_id: o.journeyId ?? '',
      node_id: o.nodeId ?? '',
      channel: o.channel,
      kind: o.kind,
      template_id: o.templateId ?? '',
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
