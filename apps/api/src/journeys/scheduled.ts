import type { Kysely } from 'kysely';
import { broadcastDue, dateTriggerOccurrence, enterJourney, safeTimeZone, type EntryCandidate, type PublishedJourney } from '@overture/journeys';
import type { Database } from '../stores/postgres';
import type { JourneyRuntime } from './runtime';
import { publishedJourneys } from './journeys';

/** Entry happens once per occurrence (a broadcast, a birthday of a given year) whatever the journey's frequency says. */
const oncePerOccurrence = (j: PublishedJourney): PublishedJourney => ({ ...j, definition: { ...j.definition, entry: { ...j.definition.entry, frequency: 'once' } } });

/**
 * Time-driven triggers, run every minute by the maintenance job: scheduled broadcasts to a
 * segment, and date properties (N days before/after a birthday or a last order) reached today
 * in the profile's time zone. Repeating a run is harmless: entries are unique per occurrence.
 */
export async function runScheduledTriggers(rt: JourneyRuntime, db: Kysely<Database>, workspaceIds?: string[]): Promise<{ entered: number }> {
  const now = rt.clock.now();
  const ids = workspaceIds ?? (await db.selectFrom('journeys').select('workspace_id').distinct().where('status', '=', 'published').execute()).map((r) => r.workspace_id);
  let entered = 0;
  for (const workspaceId of ids) {
    const settings = await rt.deps.guardrails.settings(workspaceId);
    for (const j of await publishedJourneys(db, workspaceId)) {
      const t = j.definition.trigger;
      let candidates: EntryCandidate[] = [];
      if (t.type === 'broadcast' && broadcastDue(j.definition, now)) {
        candidates = (await rt.profiles.segmentMembers(workspaceId, t.segmentId)).map((profileId) => ({ profileId, occurrence: `broadcast:${t.at}` }));
      } else if (t.type === 'date_property') {
        for (const p of await rt.profiles.profilesWithTrait(workspaceId, t.property)) {
          const occurrence = dateTriggerOccurrence(j.definition, { [t.property]: p.value }, now, safeTimeZone(p.timezone, settings.defaultTimezone));
          if (occurrence) candidates.push({ profileId: p.profileId, occurrence: `date:${occurrence}` });
        }
      }
      for (let i = 0; i < candidates.length; i += 1000) {
        entered += (await enterJourney(rt.deps, rt.store, rt.scheduler, oncePerOccurrence(j), candidates.slice(i, i + 1000))).length;
      }
    }
  }
  return { entered };
}
