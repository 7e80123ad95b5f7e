import { randomBytes } from 'node:crypto';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import {
  journeyDefinitionSchema,
  type ActionClaim,
  Batcher,
  type ActionLedger,
  type AuditRow,
  type ChannelName,
  type Clock,
  type DueRuns,
  type EntryCandidate,
  type EntryStore,
  type JourneyDefinition,
  type PublishedJourney,
  type RunContext,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type Scheduled,
  type StepEvent,
  type Transition,
} from '@overture/journeys';
import { appendAudit, type Database } from '../stores/postgres';
import { auditDetail, journeyActor, stepEventRow } from './recorder';

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
const unfinished = ['active', 'waiting', 'waiting_event', 'holdout'] as const;

interface RunRow {
  id: string;
  workspace_id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  node_id: string | null;
  step: number;
  status: string;
  wake_at: string | number | null;
  context: unknown;
}

export function toRunRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    journeyId: r.journey_id,
    version: r.version,
    profileId: r.profile_id,
    nodeId: r.node_id,
    step: r.step,
    status: r.status as RunStatus,
    wakeAt: num(r.wake_at),
    context: (typeof r.context === 'string' ? JSON.parse(r.context) : r.context) as RunContext,
  };
}

const runColumns = ['id', 'workspace_id', 'journey_id', 'version', 'profile_id', 'node_id', 'step', 'status', 'wake_at', 'context'] as const;

/** Run state, entries and the exactly-once action ledger, in PostgreSQL. */
export class PostgresRunStore implements RunStore, EntryStore, DueRuns, ActionLedger {
  private definitions = new Map<string, Promise<JourneyDefinition | null>>();
  private statuses = new Map<string, { status: Promise<string | null>; at: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async load(runId: string): Promise<RunRecord | null> {
    return this.loads.call(runId);
  }

  /** Compare-and-set on the step with the step's events, many runs per statement. */
  async advance(run: RunRecord, to: Transition, events: StepEvent[] = []): Promise<boolean> {
    return this.advances.call({ run, to, events });
  }

  /**
   * Versions never change once published, so they are cached for good. The promise is what is
   * cached: the many steps of a batch that ask at once share one query.
   */
  definition(journeyId: string, version: number): Promise<JourneyDefinition | null> {
    const key = `${journeyId}@${version}`;
    const cached = this.definitions.get(key);
    if (cached) return cached;
    const loading = this.db
      .selectFrom('journey_versions')
      .select('definition')
      .where('journey_id', '=', journeyId)
      .where('version', '=', version)
      .executeTakeFirst()
      .then((row) => (row ? journeyDefinitionSchema.parse(row.definition) : null));
    this.definitions.set(key, loading);
    // A version not found (yet) or a failed read is asked again next time.
    const drop = () => this.definitions.get(key) === loading && this.definitions.delete(key);
    loading.then((def) => def === null && drop(), drop);
    return loading;
  }

  /** Drops the cached status (the journey was published, paused, resumed or archived, maybe by another process). */
  forgetStatus(journeyId: string): void {
    this.statuses.delete(journeyId);
  }

  /** Cached briefly by the engine's clock (and dropped on a change, see forgetStatus): no query per step, one per batch of steps asking at once. */
  journeyStatus(journeyId: string): Promise<string | null> {
    const now = this.clock.now();
    const hit = this.statuses.get(journeyId);
    // A clock set back (tests move theirs by hand) makes the entry stale, never fresh for longer.
    if (hit && now >= hit.at && now - hit.at < 2_000) return hit.status;
    const status = this.db
      .selectFrom('journeys')
      .select('status')
      .where('id', '=', journeyId)
      .executeTakeFirst()
      .then((row) => row?.status ?? null);
    const entry = { status, at: now };
    this.statuses.set(journeyId, entry);
    status.catch(() => this.statuses.get(journeyId) === entry && this.statuses.delete(journeyId));
    return status;
  }

  async admit(journey: PublishedJourney, candidates: EntryCandidate[], now: number): Promise<RunRecord[]> {
    const entry = journey.definition.entry;
    const keyOf = (profileId: string, occurrence: string) => `${profileId}\u0000${occurrence}`;
    // A profile entering twice for one occurrence in a batch keeps the last event it entered on.
    const unique = [...new Map(candidates.map((c) => [keyOf(c.profileId, c.occurrence ?? ''), c])).values()];
    return this.db.transaction().execute(async (trx) => {
      // Frequency: the entries row is the memory of who entered (for which occurrence) and when.
      const values = unique.map((c) => ({ journey_id: journey.id, profile_id: c.profileId, occurrence: c.occurrence ?? '', entries: 1, last_entered_at: now }));
      const insert = trx.insertInto('journey_entries').values(values);
      const admitted = await (entry.frequency === 'once'
        ? insert.onConflict((oc) => oc.columns(['journey_id', 'profile_id', 'occurrence']).doNothing())
        : insert.onConflict((oc) => {
            const update = oc.columns(['journey_id', 'profile_id', 'occurrence']).doUpdateSet({ entries: sql`journey_entries.entries + 1`, last_entered_at: now });
            return entry.frequency === 'every_time' ? update : update.where('journey_entries.last_entered_at', '<=', now - (entry.periodDays ?? 0) * 86_400_000);
          })
      )
        .returning(['profile_id', 'occurrence'])
        .execute();
      if (!admitted.length) return [];
      // Cap: the journey row is locked for the rest of the transaction, so concurrent batches queue here
      // (NO KEY UPDATE: the foreign keys of entries and runs take KEY SHARE locks, which must not deadlock with it).
      const cap = entry.cap ?? null;
      const row = await trx.selectFrom('journeys').select('entered').where('id', '=', journey.id).forNoKeyUpdate().executeTakeFirst();
      const granted = cap === null ? admitted.length : Math.max(0, Math.min(admitted.length, cap - Number(row?.entered ?? 0)));
      const refused = admitted.slice(granted);
      const entering = admitted.slice(0, granted);
      if (refused.length) {
        // Refused by the cap: they did not enter, so their entry memory (of that occurrence) goes back to what it was.
        const these = (eb: ExpressionBuilder<Database, 'journey_entries'>) => eb.or(refused.map((r) => eb.and([eb('profile_id', '=', r.profile_id), eb('occurrence', '=', r.occurrence)])));
        await trx.deleteFrom('journey_entries').where('journey_id', '=', journey.id).where(these).where('entries', '=', 1).execute();
        await trx.updateTable('journey_entries').set({ entries: sql`entries - 1` }).where('journey_id', '=', journey.id).where(these).where('entries', '>', 1).execute();
      }
      if (granted) await trx.updateTable('journeys').set({ entered: sql`entered + ${granted}` }).where('id', '=', journey.id).execute();
      if (!entering.length) return [];
      const events = new Map(unique.flatMap((c) => (c.event ? [[keyOf(c.profileId, c.occurrence ?? ''), c.event] as const] : [])));
      const runs = entering.map(({ profile_id: profileId, occurrence }) => {
        const event = events.get(keyOf(profileId, occurrence));
        return {
          // Short ids: a run id is part of every job key, and Redis memory per waiting profile counts.
          id: randomBytes(12).toString('base64url'),
          workspace_id: journey.workspaceId,
          journey_id: journey.id,
          version: journey.version,
          profile_id: profileId,
          node_id: journey.definition.start,
          step: 0,
          status: 'active',
          wake_at: now,
          context: JSON.stringify(event ? { trigger: event } : {}),
          entered_at: now,
        };
      });
      await trx.insertInto('journey_runs').values(runs).execute();
      return runs.map((r) => toRunRecord(r));
    });
  }

  async dueRuns(cutoff: number, limit: number): Promise<Scheduled[]> {
    const rows = await this.db
      .selectFrom('journey_runs')
      .select(['id', 'step', 'wake_at'])
      .where('status', 'in', unfinished)
      .where('wake_at', '<=', cutoff)
      .orderBy('wake_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ runId: r.id, step: r.step, wakeAt: num(r.wake_at) }));
  }

  async claim(run: RunRecord, nodeId: string, channel: ChannelName | null): Promise<ActionClaim> {
    return this.claims.call({ run, nodeId, channel });
  }

  async complete(run: RunRecord, nodeId: string, outcome: unknown, audit: AuditRow | null): Promise<void> {
    await this.completions.call({ run, nodeId, outcome, audit });
  }

  private readonly loads = new Batcher<string, RunRecord | null>(async (ids) => {
    const rows = await this.db.selectFrom('journey_runs').select(runColumns).where('id', 'in', [...new Set(ids)]).execute();
    const byId = new Map(rows.map((r) => [r.id, toRunRecord(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  private readonly advances = new Batcher<{ run: RunRecord; to: Transition; events: StepEvent[] }, boolean>(async (items) => {
    const now = this.clock.now();
    // Transitions and the events of the runs that moved go as two JSON parameters however many there
    // are (cheaper to send and to plan than a parameter per value), and in one statement: one commit.
    const transitions = items.map(({ run, to }) => {
      const last = to.context.lastMessage;
      return {
        id: run.id,
        step: run.step,
        node_id: to.nodeId,
        status: to.status,
        wake_at: to.wakeAt,
        context: to.context,
        finished_at: ['completed', 'exited', 'converted'].includes(to.status) ? now : null,
        holdout: to.status === 'holdout',
        last_at: last?.at ?? null,
        last_node: last?.nodeId ?? null,
      };
    });
    const events = items.flatMap(({ run, events }) => events.map((e) => stepEventRow({ ...e, step: e.step ?? run.step })));
    const result = await sql<{ id: string; step: number }>`
      with moved as (
        update journey_runs as r set
          node_id = v.node_id, step = v.step + 1, status = v.status, wake_at = v.wake_at, context = v.context,
          finished_at = coalesce(v.finished_at, r.finished_at), holdout = r.holdout or v.holdout,
          last_message_at = coalesce(v.last_at, r.last_message_at), last_message_node = coalesce(v.last_node, r.last_message_node)
        from jsonb_to_recordset(${JSON.stringify(transitions)}::jsonb)
          as v(id text, step int, node_id text, status text, wake_at bigint, context jsonb, finished_at bigint, holdout boolean, last_at bigint, last_node text)
        where r.id = v.id and r.step = v.step and r.status in ('active', 'waiting', 'waiting_event', 'holdout')
        returning r.id, v.step
      ), recorded as (
        insert into journey_step_events (run_id, step, node_id, kind, workspace_id, journey_id, reason, channel, at)
        select e.run_id, e.step, e.node_id, e.kind, e.workspace_id, e.journey_id, e.reason, e.channel, e.at
        from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
          as e(run_id text, step int, node_id text, kind text, workspace_id text, journey_id text, reason text, channel text, at bigint)
        join moved m on m.id = e.run_id and m.step = e.step
        on conflict (run_id, step, node_id, kind) do nothing
      )
      select id, step from moved`.execute(this.db);
    const moved = new Set(result.rows.map((r) => `${r.id}.${r.step}`));
    // The same step twice in one batch (a duplicate job): one of them moved the run, not both.
    return items.map(({ run }) => moved.delete(`${run.id}.${run.step}`));
  });

  private readonly claims = new Batcher<{ run: RunRecord; nodeId: string; channel: ChannelName | null }, ActionClaim>(async (items) => {
    const now = this.clock.now();
    const inserted = await this.db
      .insertInto('journey_actions')
      .values(items.map(({ run, nodeId, channel }) => ({ run_id: run.id, node_id: nodeId, workspace_id: run.workspaceId, profile_id: run.profileId, channel, state: 'claimed' as const, claimed_at: now })))
      .onConflict((oc) => oc.columns(['run_id', 'node_id']).doNothing())
      .returning(['run_id', 'node_id'])
      .execute();
    const won = new Set(inserted.map((r) => `${r.run_id}\u0000${r.node_id}`));
    const lost = items.filter((i) => !won.has(`${i.run.id}\u0000${i.nodeId}`));
    const existing = new Map<string, ActionClaim>();
    if (lost.length) {
      const rows = await this.db
        .selectFrom('journey_actions')
        .select(['run_id', 'node_id', 'state', 'outcome'])
        .where((eb) => eb.or(lost.map((l) => eb.and([eb('run_id', '=', l.run.id), eb('node_id', '=', l.nodeId)]))))
        .execute();
      for (const r of rows) existing.set(`${r.run_id}\u0000${r.node_id}`, r.state === 'done' ? { state: 'done', outcome: r.outcome } : { state: 'in_doubt' });
    }
    // Two claims of the same (run, node) in one batch: the first wins, the second sees it in flight.
    const seen = new Set<string>();
    return items.map((i) => {
      const key = `${i.run.id}\u0000${i.nodeId}`;
      if (won.has(key) && !seen.has(key)) {
        seen.add(key);
        return { state: 'claimed' };
      }
      return existing.get(key) ?? { state: 'in_doubt' };
    });
  });

  private readonly completions = new Batcher<{ run: RunRecord; nodeId: string; outcome: unknown; audit: AuditRow | null }, void>(async (items) => {
    const now = this.clock.now();
    // Outcome and audit rows commit together (one statement): neither exists without the other.
    const values = items.map((i) => sql`(${i.run.id}::text, ${i.nodeId}::text, ${JSON.stringify(i.outcome)}::jsonb)`);
    const done = sql`update journey_actions as a set state = 'done', outcome = v.outcome, done_at = ${now}::bigint
      from (values ${sql.join(values)}) as v(run_id, node_id, outcome)
      where a.run_id = v.run_id and a.node_id = v.node_id`;
    const audits = items.flatMap((i) => (i.audit ? [i.audit] : []));
    await appendAudit(this.db, audits.map((a) => ({ workspace_id: a.workspaceId, actor: journeyActor(a.journeyId, a.version), action: a.action, subject: a.profileId, rule: a.rule, detail: auditDetail(a) })), done);
    return items.map(() => undefined);
  });
}
