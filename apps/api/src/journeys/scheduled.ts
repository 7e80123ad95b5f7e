import type { Kysely } from 'kysely';
import { broadcastDue, dateTriggerOccurrence, enterJourney, oncePerOccurrence, safeTimeZone, type EntryCandidate, type PublishedJourney } from '@overture/journeys';
import type { Database } from '../stores/postgres';
import type { JourneyRuntime } from './runtime';
import { publishedJourneys } from './journeys';

async function enterAll(rt: JourneyRuntime, journey: PublishedJourney, candidates: EntryCandidate[]): Promise<number> {
  let entered = 0;
  for (let i = 0; i < candidates.length; i += 1000) {
    entered += (await enterJourney(rt.deps, rt.store, rt.scheduler, oncePerOccurrence(journey), candidates.slice(i, i + 1000))).length;
  }
  return entered;
}

/** Broadcasts already fired, by journey: their `at` (a new version with another time is a new broadcast). */
async function firedBroadcasts(db: Kysely<Database>, journeyIds: string[]): Promise<Set<string>> {
  if (!journeyIds.length) return new Set();
  const rows = await db.selectFrom('journey_broadcasts').select(['journey_id', 'scheduled_at']).where('journey_id', 'in', journeyIds).execute();
  return new Set(rows.map((r) => `${r.journey_id}\u0000${r.scheduled_at}`));
}

/**
 * Time-driven triggers, run every minute by the maintenance job: scheduled broadcasts to a
 * segment, and date properties (N days before/after a birthday or a last order) reached today
 * in the profile's time zone. Repeating a run is harmless: entries are unique per occurrence.
 * A broadcast reads its segment once: it is recorded as fired after its members entered (a crash
 * in between reads it again at the next run, and the entries' occurrence keeps that harmless).
 */
export async function runScheduledTriggers(rt: JourneyRuntime, db: Kysely<Database>, workspaceIds?: string[]): Promise<{ entered: number }> {
  const now = rt.clock.now();
  const ids = workspaceIds ?? (await db.selectFrom('journeys').select('workspace_id').distinct().where('status', '=', 'published').execute()).map((r) => r.workspace_id);
  let entered = 0;
  for (const workspaceId of ids) {
    const settings = await rt.deps.guardrails.settings(workspaceId);
    const journeys = await publishedJourneys(db, workspaceId);
    const fired = await firedBroadcasts(
      db,
      journeys.filter((j) => j.definition.trigger.type === 'broadcast').map((j) => j.id),
    );
    for (const j of journeys) {
      const t = j.definition.trigger;
      if (t.type === 'broadcast' && broadcastDue(j.definition, now) && !fired.has(`${j.id}\u0000${t.at}`)) {
        const members = await rt.profiles.segmentMembers(workspaceId, t.segmentId);
        const n = await enterAll(rt, j, members.map((profileId) => ({ profileId, occurrence: `broadcast:${t.at}` })));
        await db
          .insertInto('journey_broadcasts')
          .values({ journey_id: j.id, scheduled_at: t.at, fired_at: now, entered: n })
          .onConflict((oc) => oc.columns(['journey_id', 'scheduled_at']).doNothing())
          .execute();
        entered += n;
      } else if (t.type === 'date_property') {
        const candidates: EntryCandidate[] = [];
        for (const p of await rt.profiles.profilesWithTrait(workspaceId, t.property)) {
          const occurrence = dateTriggerOccurrence(j.definition, { [t.property]: p.value }, now, safeTimeZone(p.timezone, settings.defaultTimezone));
          if (occurrence) candidates.push({ profileId: p.profileId, occurrence: `date:${occurrence}` });
        }
        entered += await enterAll(rt, j, candidates);
      }
    }
  }
  return { entered };
}
