import { sql, type Kysely } from 'kysely';
import { enterOnEvents, eventCandidate, eventIsGoal, eventStartsJourney, goalRevenue, matchesAll, nodeById, type EntryCandidate, type PublishedJourney } from '@overture/journeys';
import type { LiveEvent } from '../events/queue';
import type { Database } from '../stores/postgres';
import type { JourneyRuntime } from './runtime';
import { toRunRecord } from './run-store';
import { publishedJourneys, runningVersions } from './journeys';

function parse(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json || '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Real-time journey work for a batch of stored events: goal exits, wait-for-event wake-ups, entries. */
export async function consumeJourneyEvents(rt: JourneyRuntime, db: Kysely<Database>, events: LiveEvent[]): Promise<void> {
  const byWorkspace = new Map<string, LiveEvent[]>();
  for (const e of events) {
    if (!e.event) continue;
    const list = byWorkspace.get(e.workspaceId) ?? [];
    list.push(e);
    byWorkspace.set(e.workspaceId, list);
  }
  for (const [workspaceId, batch] of byWorkspace) await consumeWorkspace(rt, db, workspaceId, batch);
}

async function consumeWorkspace(rt: JourneyRuntime, db: Kysely<Database>, workspaceId: string, events: LiveEvent[]): Promise<void> {
  const live = await publishedJourneys(db, workspaceId);
  const versions = await runningVersions(db, workspaceId);
  if (!live.length && !versions.length) return;
  const waitEvents = new Set(versions.flatMap((v) => v.definition.nodes.flatMap((n) => (n.type === 'wait_for_event' ? [n.event] : []))));
  const goalJourneys = new Map<string, PublishedJourney>();
  for (const v of versions) if (v.definition.goal && (!goalJourneys.has(v.id) || goalJourneys.get(v.id)!.version < v.version)) goalJourneys.set(v.id, v);
  const idsOf = (e: LiveEvent) => ({ ...(e.userId ? { userId: e.userId } : {}), ...(e.anonymousId ? { anonymousId: e.anonymousId } : {}), ...(!e.userId && !e.anonymousId ? { userId: e.distinctId } : {}) });
  const keyOf = (e: LiveEvent) => `${e.userId}\u0000${e.anonymousId}\u0000${e.distinctId}`;
  const parsed = events.map((e) => ({ e, properties: parse(e.properties) }));
  const relevant = parsed.filter(({ e, properties }) =>
    waitEvents.has(e.event) || [...goalJourneys.values()].some((j) => j.definition.goal?.event === e.event) || live.some((j) => eventStartsJourney(j.definition, { event: e.event, properties })),
  );
  // The batch's people resolved in one look-up (one identity batch), not one per person.
  const people = [...new Map(relevant.map(({ e }) => [keyOf(e), e])).values()];
  const ids = await rt.profiles.resolveProfileIds(workspaceId, people.map(idsOf));
  const resolved = new Map(people.map((e, k) => [keyOf(e), ids[k]!]));
  const candidates = new Map<string, EntryCandidate[]>();
  for (const { e, properties } of relevant) {
    const profileId = resolved.get(keyOf(e))!;
    for (const j of goalJourneys.values()) if (eventIsGoal(j.definition, { event: e.event, properties })) await convertRuns(rt, db, j, profileId, goalRevenue(j.definition, properties));
    if (waitEvents.has(e.event)) await resumeWaiting(rt, db, workspaceId, profileId, e.event, properties);
    for (const j of live) {
      if (!eventStartsJourney(j.definition, { event: e.event, properties })) continue;
      const list = candidates.get(j.id) ?? [];
      list.push(eventCandidate(j, profileId, { name: e.event, properties, timestamp: e.timestamp, messageId: e.messageId }));
      candidates.set(j.id, list);
    }
  }
  for (const j of live) {
    const list = candidates.get(j.id);
    if (list?.length) await enterOnEvents(rt.deps, rt.store, rt.scheduler, j, list);
  }
}

const unfinished = ['active', 'waiting', 'waiting_event', 'holdout'];

/**
 * A goal event exits the profile and attributes the conversion and its revenue to the journey
 * (runs still going, or finished within the attribution window) and to the last message sent
 * within that window. Each run converts at most once.
 */
export async function convertRuns(rt: JourneyRuntime, db: Kysely<Database>, journey: PublishedJourney, profileId: string, revenue: number): Promise<number> {
  const now = rt.clock.now();
  const windowMs = (journey.definition.goal?.attributionWindowHours ?? 0) * 3_600_000;
  const cutoff = now - windowMs;
  const converted = await db
    .updateTable('journey_runs')
    .set({
      status: sql`case when status in ('active', 'waiting', 'waiting_event', 'holdout') then 'converted' else status end`,
      converted_at: now,
      revenue,
      attributed_node: sql`case when last_message_at >= ${cutoff} then last_message_node else null end`,
      finished_at: sql`coalesce(finished_at, ${now})`,
    })
    .where('journey_id', '=', journey.id)
    .where('workspace_id', '=', journey.workspaceId)
    .where('profile_id', '=', profileId)
    .where('converted_at', 'is', null)
    .where((eb) => eb.or([eb('status', 'in', unfinished), eb('finished_at', '>=', cutoff)]))
    .returning(['id', 'version', 'attributed_node', 'holdout'])
    .execute();
  for (const r of converted) {
    rt.recorder.events([{ workspaceId: journey.workspaceId, journeyId: journey.id, version: r.version, nodeId: r.attributed_node ?? '', runId: r.id, profileId, kind: 'converted', reason: r.holdout ? 'holdout' : 'journey', channel: '', revenue, at: now }]);
    await rt.recorder.audit({
      workspaceId: journey.workspaceId,
      journeyId: journey.id,
      version: r.version,
      nodeId: r.attributed_node ?? '',
      runId: r.id,
      profileId,
      action: 'goal.converted',
      rule: `attribution:${journey.definition.goal?.attributionWindowHours ?? 0}h`,
      decision: { goal: journey.definition.goal?.event, attributedNode: r.attributed_node, holdout: r.holdout },
      outcome: { revenue },
    });
  }
  return converted.length;
}

/** Moves runs waiting for this event down their `onEvent` branch. */
export async function resumeWaiting(rt: JourneyRuntime, db: Kysely<Database>, workspaceId: string, profileId: string, event: string, properties: Record<string, unknown>): Promise<number> {
  const rows = await db
    .selectFrom('journey_runs')
    .select(['id', 'workspace_id', 'journey_id', 'version', 'profile_id', 'node_id', 'step', 'status', 'wake_at', 'context'])
    .where('workspace_id', '=', workspaceId)
    .where('profile_id', '=', profileId)
    .where('status', '=', 'waiting_event')
    .where(sql`context->>'waitingFor'`, '=', event)
    .execute();
  let resumed = 0;
  for (const row of rows) {
    const run = toRunRecord(row);
    const def = await rt.store.definition(run.journeyId, run.version);
    const node = def && run.nodeId ? nodeById(def, run.nodeId) : undefined;
    if (node?.type !== 'wait_for_event' || !matchesAll(properties, node.filters)) continue;
    const context = { ...run.context };
    delete context.waitingFor;
    const now = rt.clock.now();
    const done = node.onEvent === null;
    const moved = await rt.store.advance(run, { nodeId: node.onEvent, status: done ? 'completed' : 'active', wakeAt: done ? null : now, context });
    if (!moved) continue;
    resumed++;
    rt.recorder.events([{ workspaceId, journeyId: run.journeyId, version: run.version, nodeId: node.id, runId: run.id, profileId, kind: 'completed', reason: 'event', channel: '', revenue: 0, at: now }]);
    if (!done) await rt.scheduler.schedule([{ runId: run.id, step: run.step + 1, wakeAt: null }]);
  }
  return resumed;
}
