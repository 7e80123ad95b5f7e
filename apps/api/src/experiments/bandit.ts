import { fnv1a32 } from '@overture/journeys';
import { thompsonWeights, type VariantStats } from '@overture/stats';
import type { Kysely } from 'kysely';
import type { App } from '../app-handle';
import { setPlacementVariantWeights } from '../onsite';
import { setTemplateVariantWeights } from '../templates';
import type { Database } from '../stores/postgres';
import { ExperimentError, getExperiment, type Experiment } from './experiments';
import { variantSums } from './metrics';

/** Only variants that are re-weighted per person on the next send or page view can be a bandit's arms. */
const banditKinds = new Set<Experiment['kind']>(['onsite', 'message']);

export const defaultMinWeight = 0.05;

/**
 * A running message or onsite experiment switches from its fixed split to a bandit: from now on
 * Thompson sampling re-weights its variants on a schedule by their chance of being best on the goal
 * metric, never below `minWeight` each, and once at the switch.
 */
export async function switchToBandit(app: App, workspaceId: string, id: string, minWeight = defaultMinWeight, now = new Date()): Promise<Experiment> {
  const e = await getExperiment(app.postgres.db, workspaceId, id);
  if (!banditKinds.has(e.kind)) throw new ExperimentError("kind: only message and onsite variants can be a bandit (a journey split's or holdout's weights stay fixed)", 'BAD_REQUEST');
  if (e.status !== 'running') throw new ExperimentError('status: only a running experiment can switch to a bandit', 'CONFLICT');
  if (!(minWeight >= 0 && minWeight * e.variants.length <= 1)) throw new ExperimentError(`minWeight: must be between 0 and ${(1 / e.variants.length).toFixed(2)} for ${e.variants.length} variants`, 'BAD_REQUEST');
  await app.postgres.db.updateTable('experiments').set({ allocation: 'bandit', min_weight: minWeight, updated_at: now }).where('id', '=', e.id).execute();
  const bandit = { ...e, allocation: 'bandit' as const, minWeight };
  await reweight(app, workspaceId, bandit, now);
  return getExperiment(app.postgres.db, workspaceId, id);
}

/**
 * One re-weighting: the goal metric's sufficient statistics per variant, Thompson sampling's chance
 * of each being best (seeded by the experiment and the time, so a re-run of the same tick gives the
 * same weights), floored; the weights go to the experiment, its history and where people are assigned.
 */
export async function reweight(app: App, workspaceId: string, e: Experiment, now = new Date()): Promise<Record<string, number>> {
  const goal = e.metrics[0]!;
  const sums = await variantSums(app.clickhouse, workspaceId, e.key, [goal]);
  const byName = new Map(sums.map((s) => [s.variant, s]));
  const arms: VariantStats[] = e.variants.map((v) => {
    const s = byName.get(v.name);
    return { n: s?.n ?? 0, sum: s?.metrics[0]?.sum ?? 0, sumSquares: s?.metrics[0]?.sumSquares ?? 0 };
  });
  // A guardrail goal (fewer is better) is not a bandit's objective: only what a variant earns is.
  const kind = goal.kind === 'conversion' ? 'binomial' : 'mean';
  const shares = thompsonWeights(arms, { kind, minWeight: e.minWeight, seed: fnv1a32(`${e.id}:${now.toISOString()}`) });
  const weights = Object.fromEntries(e.variants.map((v, i) => [v.name, Math.round(shares[i]! * 10_000) / 100]));
  const variants = e.variants.map((v) => ({ name: v.name, weight: Math.max(0.01, weights[v.name]!) }));
  const exposures = arms.reduce((s, a) => s + a.n, 0);
  await app.postgres.db.transaction().execute(async (trx) => {
    await trx.updateTable('experiments').set({ variants: JSON.stringify(variants), updated_at: now }).where('id', '=', e.id).execute();
    await trx.insertInto('experiment_weights').values({ experiment_id: e.id, workspace_id: workspaceId, computed_at: now, weights: JSON.stringify(weights), exposures }).onConflict((oc) => oc.columns(['experiment_id', 'computed_at']).doNothing()).execute();
  });
  if (e.kind === 'onsite') await setPlacementVariantWeights(app, workspaceId, e.sourceRef, weights);
  if (e.kind === 'message') await setTemplateVariantWeights(app, workspaceId, e.sourceRef, weights);
  return weights;
}

/** Every running bandit of every workspace, re-weighted once (the scheduler's tick). */
export async function reweightBandits(app: App, now = new Date()): Promise<{ experiments: number }> {
  const rows = await app.postgres.db.selectFrom('experiments').select(['id', 'workspace_id']).where('allocation', '=', 'bandit').where('status', '=', 'running').execute();
  for (const r of rows) {
    try {
      await reweight(app, r.workspace_id, await getExperiment(app.postgres.db, r.workspace_id, r.id), now);
    } catch (err) {
      app.log.warn('bandit not re-weighted', { experiment: r.id, error: (err as Error).message });
    }
  }
  return { experiments: rows.length };
}

export interface WeightsPoint {
  at: Date;
  weights: Record<string, number>;
  exposures: number;
}

/** How a bandit's weights moved, oldest first. */
export async function weightsHistory(db: Kysely<Database>, workspaceId: string, experimentId: string, limit = 500): Promise<WeightsPoint[]> {
  const rows = await db
    .selectFrom('experiment_weights')
    .select(['computed_at', 'weights', 'exposures'])
    .where('workspace_id', '=', workspaceId)
    .where('experiment_id', '=', experimentId)
    .orderBy('computed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({ at: r.computed_at, weights: (typeof r.weights === 'string' ? JSON.parse(r.weights) : r.weights) as Record<string, number>, exposures: r.exposures }));
}
