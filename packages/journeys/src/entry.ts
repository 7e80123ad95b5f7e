import type { JourneyDefinition } from './definition';
import type { EngineDeps, RunEvent, RunRecord } from './ports';
import { evaluateAll } from './engine';
import type { StepScheduler } from './runner';

export interface PublishedJourney {
  id: string;
  workspaceId: string;
  version: number;
  definition: JourneyDefinition;
}

export interface EntryCandidate {
  profileId: string;
  /** Distinguishes occurrences for date triggers (the year of a birthday); empty otherwise. */
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
  await scheduler.schedule(runs.map((r) => ({ runId: r.id, step: r.step, wakeAt: null })));
  return runs;
}
