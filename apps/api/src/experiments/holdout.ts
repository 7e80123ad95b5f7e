import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { globalControlKey } from '@overture/journeys';
import type { App } from '../app-handle';
import { topics } from '../stores/invalidation';
import { getJourneySettings, saveJourneySettings } from '../journeys';
import { revenueEvent, type Metric, type Variant } from './definition';
import { experimentByKey, type Experiment } from './experiments';

const windowHours = 30 * 24;

/** What the whole program is judged on: orders and revenue in the month after a profile's first marketing message, unsubscribes as the guardrail. */
export function programMetrics(): Metric[] {
  return [
    { kind: 'conversion', name: `Converted: ${revenueEvent}`, event: revenueEvent, windowHours },
    { kind: 'revenue', name: 'Revenue per profile', windowHours },
    { kind: 'count', name: 'Orders per profile', event: revenueEvent, windowHours },
    { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours },
  ];
}

/** The control (no marketing) first, so the readout's uplift is the treatment's: the program's lift. */
export function globalControlVariants(percent: number): Variant[] {
  return [
    { name: 'control', weight: percent },
    { name: 'treatment', weight: 100 - percent },
  ];
}

/**
 * The workspace's global control group is experiment `global-control:<workspaceId>` of kind
 * `holdout`, created when the journey settings first set a share and kept in step with it. Its
 * exposures are logged by the journey engine at each profile's first marketing message, in either
 * group. Set back to 0 %, the experiment stays with its history, stopped.
 */
export async function syncGlobalControl(app: App, workspaceId: string): Promise<void> {
  const { globalControlPercent: percent } = await getJourneySettings(app.postgres.db, workspaceId);
  const key = globalControlKey(workspaceId);
  if (percent <= 0) {
    await app.postgres.db.updateTable('experiments').set({ status: 'stopped', stopped_at: new Date(), updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('key', '=', key).where('status', '=', 'running').execute();
    return;
  }
  const variantsJson = JSON.stringify(globalControlVariants(percent));
  await app.postgres.db
    .insertInto('experiments')
    .values({ id: randomUUID(), workspace_id: workspaceId, key, name: 'Global control group (program lift)', kind: 'holdout', source_ref: 'journey-settings', variants: variantsJson, metrics: JSON.stringify(programMetrics()) })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'key'])
        .doUpdateSet({ variants: variantsJson, status: 'running', stopped_at: null, updated_at: new Date() })
        .where((eb) => eb.or([eb('experiments.variants', '!=', sql<string>`${variantsJson}::jsonb`), eb('experiments.status', '!=', 'running')])),
    )
    .execute();
}

/** The holdout's experiment, synced first (null while the workspace has never set one). */
export async function globalControlExperiment(app: App, workspaceId: string): Promise<Experiment | null> {
  await syncGlobalControl(app, workspaceId);
  return experimentByKey(app.postgres.db, workspaceId, globalControlKey(workspaceId));
}

/** Stopping the holdout (or picking a group) ends it where it acts: the journey settings' share goes to 0 %. */
export async function endGlobalControl(app: App, workspaceId: string, e: Experiment): Promise<void> {
  if (e.kind !== 'holdout' || e.key !== globalControlKey(workspaceId) || e.status === 'running') return;
  const settings = await getJourneySettings(app.postgres.db, workspaceId);
  if (settings.globalControlPercent === 0) return;
  await saveJourneySettings(app.postgres.db, workspaceId, { ...settings, globalControlPercent: 0 }, app.outbound);
  app.invalidation.publish(topics.journeySettings, workspaceId);
}
