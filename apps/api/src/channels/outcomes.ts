import type { App } from '../app';
import { chTime, selectRows } from '../stores/clickhouse/sql';
import { insertRaw } from '../stores/clickhouse';
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


type OutcomeRow = Record<(typeof columns)[number], string>;
const columns = ['workspace_id', 'message_id', 'profile_id', 'journey_id', 'node_id', 'channel', 'kind', 'template_id', 'variant', 'reason', 'detail', 'at'] as const;

/**
 * Inserts start at most this often. Each ClickHouse insert costs milliseconds of CPU however few its
 * rows (a new part; with chDB, on this process's cores), so under load batches of a few sends cost
 * more than the sends. At rest an outcome goes in at once; under load a send waits at most this long.
 */
export const outcomeInsertIntervalMs = 20;
const maxBatchRows = 5_000;

/**
 * Group commit for outcome rows: concurrent sends share one ClickHouse insert (one insert per
 * send would cost more than the send), and each caller still waits until its rows are stored.
 */
class OutcomeWriter {
  #pending: OutcomeRow[] = [];
  #waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  #flushing = false;
  #lastInsertAt = 0;
  #wake: (() => void) | null = null;

  constructor(private readonly app: App) {}

  write(rows: OutcomeRow[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push(...rows);
      this.#waiters.push({ resolve, reject });
      if (this.#pending.length >= maxBatchRows) this.#wake?.();
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#pending.length > 0) {
      // Let sends of the same turn of the event loop join, and under load, those of the next few ms.
      const wait = this.#pending.length >= maxBatchRows ? 0 : Math.max(0, this.#lastInsertAt + outcomeInsertIntervalMs - performance.now());
      await new Promise<void>((resolve) => {
        if (wait <= 0) {
          setImmediate(resolve);
          return;
        }
        const timer = setTimeout(resolve, wait);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
      const rows = this.#pending;
      const waiters = this.#waiters;
      this.#pending = [];
      this.#waiters = [];
      this.#lastInsertAt = performance.now();
      try {
        // Serialised here and handed to the engine as is: the client's row streaming costs more than the rows.
        await insertRaw(this.app.clickhouse, 'message_events', columns, 'JSONEachRow', Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')));
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
