import type { Kysely } from 'kysely';
import { Batcher, experimentExposureEvent, splitExperimentKey, type AuditRow, type Recorder, type StepEvent } from '@overture/journeys';
import type { ClickHouseClient } from '../stores/clickhouse';
import { appendAudit, type Database } from '../stores/postgres';
import type { Logger } from '../logger';
import { normalizeEvent } from '../ingest/normalize';
import { insertEvents } from '../events/store';
import { firstLinkedIds } from '../profiles';

/** Step events that also show in the profile timeline, as `$journey_step` events. */
const timelineKinds = new Set<StepEvent['kind']>(['sent', 'skipped', 'deferred', 'converted', 'holdout', 'exited', 'exposed']);
export const journeyStepEvent = '$journey_step';

/** The audit actor of a journey action. */
export const journeyActor = (journeyId: string, version: number) => `journey:${journeyId}@v${version}`;

export const auditDetail = (row: AuditRow) =>
  JSON.stringify({ journeyId: row.journeyId, version: row.version, nodeId: row.nodeId, runId: row.runId, decision: row.decision, outcome: row.outcome });

/** Longer reasons (an SMTP error...) are cut: the counters group by them. */
const maxReasonChars = 200;

/** A step event as a journey_step_events row (what journey metrics count). */
export const stepEventRow = (e: StepEvent) => ({
  run_id: e.runId,
  // Events outside a step (a wait ended by its event) have no step; one per (run, node, kind).
  step: e.step ?? -1,
  node_id: e.nodeId,
  kind: e.kind,
  workspace_id: e.workspaceId,
  journey_id: e.journeyId,
  reason: e.reason.slice(0, maxReasonChars),
  channel: e.channel,
  at: e.at,
});

/**
 * Audit rows go to PostgreSQL with the action (they must not be lost). Step events go to PostgreSQL
 * too (journey_step_events, what journey metrics count): a step's own with the run's transition (the
 * run store writes them), those outside a step here, keyed so that each counts once. A copy of both
 * for the profile timeline is batched into ClickHouse (journey_events) in the background.
 */
export class StoreRecorder implements Recorder {
  private buffer: StepEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  /** Concurrent steps share one insert. */
  private readonly steps = new Batcher<StepEvent[], void>(async (batches) => {
    await this.db
      .insertInto('journey_step_events')
      .values(batches.flat().map(stepEventRow))
      .onConflict((oc) => oc.columns(['run_id', 'step', 'node_id', 'kind']).doNothing())
      .execute();
    return batches.map(() => undefined);
  });

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clickhouse: ClickHouseClient | null,
    private readonly log: Logger | null,
    private readonly maxBuffer = 5_000,
  ) {}

  async audit(row: AuditRow): Promise<void> {
    await appendAudit(this.db, {
      workspace_id: row.workspaceId,
      actor: journeyActor(row.journeyId, row.version),
      action: row.action,
      subject: row.profileId,
      rule: row.rule,
      detail: auditDetail(row),
    });
  }

  /** Resolves once the events are in PostgreSQL; callers that do not wait get the failure logged. */
  events(rows: StepEvent[]): Promise<void> {
    if (!rows.length) return Promise.resolve();
    const stored = this.steps.call(rows);
    stored.catch((err: unknown) => this.log?.warn('journey step events not recorded', { error: (err as Error).message, count: rows.length }));
    this.stepped(rows);
    return stored;
  }

  /** The run store has kept these with their step's transition: only the timeline copy is left to make. */
  stepped(rows: StepEvent[]): void {
    if (!this.clickhouse) return;
    this.buffer.push(...rows);
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), 500);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const rows = this.buffer;
    this.buffer = [];
    if (!rows.length || !this.clickhouse) return this.flushing;
    const ch = this.clickhouse;
    this.flushing = this.flushing.then(() => this.write(ch, rows));
    return this.flushing;
  }

  private async write(ch: ClickHouseClient, rows: StepEvent[]): Promise<void> {
    try {
      await ch.insert({
        table: 'journey_events',
        values: rows.map((e) => ({
          workspace_id: e.workspaceId,
          journey_id: e.journeyId,
          version: e.version,
          node_id: e.nodeId,
          run_id: e.runId,
          profile_id: e.profileId,
          kind: e.kind,
          reason: e.reason,
          channel: e.channel,
          revenue: e.revenue,
          at: new Date(e.at).toISOString().replace('T', ' ').replace('Z', ''),
        })),
        format: 'JSONEachRow',
      });
    } catch (err) {
      this.log?.warn('journey events not recorded', { error: (err as Error).message, count: rows.length });
    }
    try {
      await this.timeline(ch, rows.filter((r) => timelineKinds.has(r.kind)));
    } catch (err) {
      this.log?.warn('journey steps not added to timelines', { error: (err as Error).message });
    }
  }

  /**
   * The profile timeline reads the events of a profile's ids, so a step becomes an event of one of
   * them (looked up once per flush). Message ids are deterministic: a repeated step collapses.
   */
  private async timeline(ch: ClickHouseClient, steps: StepEvent[]): Promise<void> {
    if (!steps.length) return;
    const rows = [];
    const byWorkspace = new Map<string, StepEvent[]>();
    for (const s of steps) {
      const list = byWorkspace.get(s.workspaceId) ?? [];
      list.push(s);
      byWorkspace.set(s.workspaceId, list);
    }
    for (const [workspaceId, list] of byWorkspace) {
      const ids = await firstLinkedIds(ch, workspaceId, [...new Set(list.map((s) => s.profileId))]);
      for (const s of list) {
        const id = ids.get(s.profileId);
        if (!id) continue;
        // A split's assignment is an experiment exposure: the experiments domain reads these events.
        if (s.kind === 'exposed') {
          rows.push(normalizeEvent(splitExposure(s, id), { workspaceId, receivedAt: Date.now() }));
          continue;
        }
        rows.push(
          normalizeEvent(
            {
              type: 'track',
              event: journeyStepEvent,
              messageId: `journey:${s.runId}:${s.nodeId}:${s.kind}:${s.at}`,
              ...(id.kind === 'anonymous' ? { anonymousId: id.distinct_id } : { userId: id.distinct_id }),
              timestamp: new Date(s.at).toISOString(),
              properties: { journey_id: s.journeyId, version: s.version, node_id: s.nodeId, step: s.kind, reason: s.reason, channel: s.channel, revenue: s.revenue },
            } as Parameters<typeof normalizeEvent>[0],
            { workspaceId, receivedAt: Date.now() },
          ),
        );
      }
    }
    await insertEvents(ch, rows);
  }
}

/**
 * A split's exposure: once per run and split (its messageId), naming the split's experiment key and the
 * variant. Another experiment's (the global control group's): once per profile, whatever the journey.
 */
function splitExposure(s: StepEvent, id: { distinct_id: string; kind: string }): Parameters<typeof normalizeEvent>[0] {
  const experiment = s.experiment ?? splitExperimentKey(s.journeyId, s.nodeId);
  return {
    type: 'track',
    event: experimentExposureEvent,
    messageId: s.experiment ? `exposure:${s.experiment}:${s.profileId}` : `journey:${s.runId}:${s.nodeId}:exposed`,
    ...(id.kind === 'anonymous' ? { anonymousId: id.distinct_id } : { userId: id.distinct_id }),
    timestamp: new Date(s.at).toISOString(),
    properties: { experiment, variant: s.reason, context: { journey_id: s.journeyId, version: s.version, node_id: s.nodeId, run_id: s.runId } },
  } as Parameters<typeof normalizeEvent>[0];
}
