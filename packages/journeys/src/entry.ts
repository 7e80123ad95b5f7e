import { nodeById, type JourneyDefinition } from './definition';
import type { EngineDeps, RunEvent, RunRecord, StepScheduler } from './ports';
import { evaluateAll } from './engine';
import { advanceRun } from './runner';

export interface PublishedJourney {
  id: string;
  workspaceId: string;
  version: number;
  definition: JourneyDefinition;
}

export interface EntryCandidate {
  profileId: string;
  /** Distinguishes occurrences: the year of a birthday, a broadcast's time, a triggering event's messageId (every-time journeys). */
  occurrence?: string;
  /** The event that made the profile a candidate (event triggers). */
  event?: RunEvent;
}

export interface EntryStore {
  /**
   * Applies the entry frequency and cap atomically and creates a run (step 0 at the start node)
   * for each admitted candidate.
   */
  admit(journey: PublishedJourney, candidates: EntryCandidate[], now: number): Promise<RunRecord[]>;
}

/** Entry happens once per occurrence (a broadcast, a birthday of a given year, one event) whatever the journey's frequency says. */
export function oncePerOccurrence(journey: PublishedJourney): PublishedJourney {
  return { ...journey, definition: { ...journey.definition, entry: { ...journey.definition.entry, frequency: 'once' } } };
}

/**
 * Event-triggered entries. An every-time journey admits each triggering event once, its messageId
 * being the occurrence, so the same event processed again (a retried job) never enters twice;
 * other frequencies keep one memory per profile. `enterOnEvents` enters a batch of such candidates.
 */
export function eventCandidate(journey: PublishedJourney, profileId: string, event: RunEvent): EntryCandidate {
  return journey.definition.entry.frequency === 'every_time' ? { profileId, occurrence: `event:${event.messageId ?? ''}`, event } : { profileId, event };
}

export function enterOnEvents(deps: EngineDeps, store: EntryStore, scheduler: StepScheduler, journey: PublishedJourney, candidates: EntryCandidate[]): Promise<RunRecord[]> {
  return enterJourney(deps, store, scheduler, journey.definition.entry.frequency === 'every_time' ? oncePerOccurrence(journey) : journey, candidates);
}

/** Audience filter, then the store's frequency and cap rules, then the first step of each new run. */
export async function enterJourney(deps: EngineDeps, store: EntryStore, scheduler: StepScheduler, journey: PublishedJourney, candidates: EntryCandidate[]): Promise<RunRecord[]> {
  const now = deps.clock.now();
  const audience = journey.definition.entry.audience;
  let eligible = candidates;
  if (audience.length) {
    eligible = [];
    for (const c of candidates) {
      const profile = (await deps.profiles.getProfile(journey.workspaceId, c.profileId)) ?? { id: c.profileId, traits: {} };
      if (await evaluateAll(deps, journey.workspaceId, profile, audience, now)) eligible.push(c);
    }
  }
  if (!eligible.length) return [];
  const runs = await store.admit(journey, eligible, now);
  if (startsWithTimer(journey.definition)) await Promise.all(runs.map((run) => startAtOnce(deps, scheduler, run)));
  else await scheduler.schedule(runs.map((r) => ({ runId: r.id, step: r.step, wakeAt: null })));
  return runs;
}

/**
 * A journey whose first node is a timer (wait, wait for an event) starts its runs where they enter:
 * the first step reads no profile and calls no channel, so it costs the entering process little,
 * starts the timer at the moment of entry, and saves each run a trip through the step queue.
 * Journeys that begin by deciding or sending go through the queue, so a slow profile look-up or
 * channel never holds up the events that trigger them.
 */
export function startsWithTimer(def: JourneyDefinition): boolean {
  const type = nodeById(def, def.start)?.type;
  return type === 'wait' || type === 'wait_for_event';
}

/** The first step here; if it fails, the step goes to the queue as any other would (the run is already stored). */
async function startAtOnce(deps: EngineDeps, scheduler: StepScheduler, run: RunRecord): Promise<void> {
  try {
    await advanceRun(deps, scheduler, run);
  } catch {
    await scheduler.schedule([{ runId: run.id, step: run.step, wakeAt: null }]);
  }
}
