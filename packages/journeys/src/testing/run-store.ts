import type { JourneyDefinition } from '../definition';
import type { EntryCandidate, EntryStore, PublishedJourney } from '../entry';
import type { DueRuns } from '../reconciler';
import type { ChannelName } from '../definition';
import type { ActionClaim, ActionLedger, AuditRow, RunRecord, RunStore, Scheduled, Transition } from '../ports';

const unfinished = new Set(['active', 'waiting', 'waiting_event', 'holdout']);
const clone = <T>(v: T): T => structuredClone(v);

/** Runs, entries, journeys and the action ledger in memory, with the semantics the PostgreSQL store promises. */
export class MemoryRunStore implements RunStore, EntryStore, DueRuns, ActionLedger {
  readonly runs = new Map<string, RunRecord>();
  readonly actions = new Map<string, { state: 'claimed' | 'done'; outcome?: unknown; audit?: AuditRow | null }>();
  private readonly definitions = new Map<string, JourneyDefinition>();
  private readonly statuses = new Map<string, string>();
  private readonly entries = new Map<string, { entries: number; lastEnteredAt: number }>();
  private readonly entered = new Map<string, number>();
  private nextRun = 1;

  /** `onAudit` gets the audit row each completed action writes with its outcome (the audit log). */
  constructor(private readonly onAudit?: (row: AuditRow) => void) {}

  /** Makes a journey version known (and the journey published). */
  publish(journey: PublishedJourney): void {
    this.definitions.set(`${journey.id}@${journey.version}`, journey.definition);
    this.statuses.set(journey.id, 'published');
  }

  setStatus(journeyId: string, status: string): void {
    this.statuses.set(journeyId, status);
  }

  async load(runId: string): Promise<RunRecord | null> {
    const run = this.runs.get(runId);
    return run ? clone(run) : null;
  }

  async advance(run: RunRecord, to: Transition): Promise<boolean> {
    const current = this.runs.get(run.id);
    if (!current || current.step !== run.step || !unfinished.has(current.status)) return false;
    this.runs.set(run.id, { ...current, nodeId: to.nodeId, status: to.status, wakeAt: to.wakeAt, context: clone(to.context), step: run.step + 1 });
    return true;
  }

  async definition(journeyId: string, version: number): Promise<JourneyDefinition | null> {
    return this.definitions.get(`${journeyId}@${version}`) ?? null;
  }

  async journeyStatus(journeyId: string): Promise<string | null> {
    return this.statuses.get(journeyId) ?? null;
  }

  async admit(journey: PublishedJourney, candidates: EntryCandidate[], now: number): Promise<RunRecord[]> {
    const entry = journey.definition.entry;
    const admitted: RunRecord[] = [];
    for (const c of candidates) {
      const key = `${journey.id}\u0000${c.profileId}\u0000${c.occurrence ?? ''}`;
      const memory = this.entries.get(key);
      if (memory) {
        if (entry.frequency === 'once') continue;
        if (entry.frequency === 'once_per_period' && memory.lastEnteredAt > now - (entry.periodDays ?? 0) * 86_400_000) continue;
      }
      const entered = this.entered.get(journey.id) ?? 0;
      if (entry.cap !== undefined && entered >= entry.cap) continue;
      this.entered.set(journey.id, entered + 1);
      this.entries.set(key, { entries: (memory?.entries ?? 0) + 1, lastEnteredAt: now });
      const run: RunRecord = {
        id: `run-${this.nextRun++}`,
        workspaceId: journey.workspaceId,
        journeyId: journey.id,
        version: journey.version,
        profileId: c.profileId,
        nodeId: journey.definition.start,
        step: 0,
        status: 'active',
        wakeAt: now,
        context: c.event ? { trigger: clone(c.event) } : {},
      };
      this.runs.set(run.id, run);
      admitted.push(clone(run));
    }
    return admitted;
  }

  async dueRuns(cutoff: number, limit: number): Promise<Scheduled[]> {
    return [...this.runs.values()]
      .filter((r) => unfinished.has(r.status) && r.wakeAt !== null && r.wakeAt <= cutoff)
      .sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0))
      .slice(0, limit)
      .map((r) => ({ runId: r.id, step: r.step, wakeAt: r.wakeAt }));
  }

  async claim(run: RunRecord, nodeId: string, _channel: ChannelName | null): Promise<ActionClaim> {
    const key = `${run.id}\u0000${nodeId}`;
    const action = this.actions.get(key);
    if (!action) {
      this.actions.set(key, { state: 'claimed' });
      return { state: 'claimed' };
    }
    return action.state === 'done' ? { state: 'done', outcome: clone(action.outcome) } : { state: 'in_doubt' };
  }

  async complete(run: RunRecord, nodeId: string, outcome: unknown, audit: AuditRow | null): Promise<void> {
    this.actions.set(`${run.id}\u0000${nodeId}`, { state: 'done', outcome: clone(outcome), audit });
    if (audit) this.onAudit?.(audit);
  }
}
