import type { App } from '../app-handle';
import type { SplitDecisions } from '@overture/journeys';
import { experimentByKey, getExperiment, listExperiments, pickWinner, stopExperiment, syncJourneySplits, type Experiment } from './experiments';
import { applyOnsiteDecision, syncOnsiteExperiments } from './onsite';
import { endGlobalControl, syncGlobalControl } from './holdout';
import { applyMessageDecision, syncMessageExperiments } from './message';
import { variantSums, type VariantSums } from './metrics';
import { readout, type Readout } from './readout';
import type { AdjustMethod } from '@overture/stats';
import type { LRUCache } from 'lru-cache';
import { topics } from '../stores/invalidation';
import { ttlCache, type TopicCache } from '../stores/topic-cache';

export interface ExperimentReadout {
  experiment: Experiment;
  readout: Readout;
  daysRunning: number;
  /** When ClickHouse computed the sums this readout stands on (ISO time); a cached readout is older than now. */
  asOf: string;
}

const dayMs = 86_400_000;
/** How stale a cached readout may get before the next read recomputes it. */
const readoutTtlMs = 60_000;

const daysRunning = (e: Experiment, now: number) => Math.max(0, ((e.stoppedAt?.getTime() ?? now) - e.startedAt.getTime()) / dayMs);

export interface ReadoutRequest {
  correction?: AdjustMethod;
  /** Recompute now, whatever is cached (in every process: the others drop their copy). */
  refresh?: boolean;
}

/** The readout of one experiment: sufficient statistics from ClickHouse (cached), then the stats engine. */
export async function experimentReadout(app: App, workspaceId: string, id: string, options: ReadoutRequest = {}): Promise<ExperimentReadout> {
  const experiment = await getExperiment(app.postgres.db, workspaceId, id);
  return readoutOf(app, workspaceId, experiment, options);
}

export async function readoutOf(app: App, workspaceId: string, experiment: Experiment, options: ReadoutRequest = {}): Promise<ExperimentReadout> {
  const { sums, asOf } = await cachedSums(app, workspaceId, experiment, options.refresh === true);
  return {
    experiment,
    readout: readout(experiment.variants, experiment.metrics, sums, { engine: experiment.engine, sequential: experiment.sequential, bandit: experiment.allocation === 'bandit', correction: options.correction }),
    daysRunning: daysRunning(experiment, Date.now()),
    asOf: new Date(asOf).toISOString(),
  };
}

/**
 * The expensive half of a readout, cached per experiment: the sums depend only on the experiment's
 * key and metrics (a changed metric misses the entry), the rest (variants, engine, correction) is
 * applied to them at every read. The TTL bounds how far behind the events a readout gets.
 */
async function cachedSums(app: App, workspaceId: string, experiment: Experiment, refresh: boolean): Promise<ReadoutSums> {
  const cache = app.services.experimentReadouts.entries;
  const shape = JSON.stringify([experiment.key, experiment.metrics]);
  const hit = refresh ? undefined : cache.get(experiment.id);
  if (hit && hit.shape === shape) return hit;
  const asOf = Date.now();
  const entry = { shape, asOf, sums: await variantSums(app.clickhouse, workspaceId, experiment.key, experiment.metrics) };
  cache.set(experiment.id, entry, { ttl: readoutTtlMs });
  if (refresh) app.invalidation.publish(topics.experimentReadouts, experiment.id, { here: false });
  return entry;
}

interface ReadoutSums {
  shape: string;
  asOf: number;
  sums: VariantSums[];
}

/** Stops an experiment; an onsite one then shows everyone its first variant, a message one sends everyone its first, the global control group ends (0 %). */
export async function stopAndApply(app: App, workspaceId: string, id: string): Promise<Experiment> {
  const e = await stopExperiment(app.postgres.db, workspaceId, id);
  await applyOnsiteDecision(app, workspaceId, e);
  await applyMessageDecision(app, workspaceId, e);
  await endGlobalControl(app, workspaceId, e);
  app.invalidation.publish(topics.experimentDecisions, workspaceId);
  return e;
}

/** Picks the winner; an onsite one then shows everyone the winner (a control winner: nobody sees the placement), a message one sends it to everyone. */
export async function pickWinnerAndApply(app: App, workspaceId: string, id: string, variant: string): Promise<Experiment> {
  const e = await pickWinner(app.postgres.db, workspaceId, id, variant);
  await applyOnsiteDecision(app, workspaceId, e);
  await endGlobalControl(app, workspaceId, e);
  await applyMessageDecision(app, workspaceId, e);
  app.invalidation.publish(topics.experimentDecisions, workspaceId);
  return e;
}

export interface ExperimentSummary extends Experiment {
  exposures: number;
  daysRunning: number;
  verdict: Readout['verdict'];
}

/** Every experiment of a workspace with its exposures and verdict (a readout each, run two at a time). */
export async function experimentSummaries(app: App, workspaceId: string): Promise<ExperimentSummary[]> {
  await syncJourneySplits(app.postgres.db, workspaceId);
  await syncOnsiteExperiments(app, workspaceId);
  await syncGlobalControl(app, workspaceId);
  await syncMessageExperiments(app, workspaceId);
  const list = await listExperiments(app.postgres.db, workspaceId);
  const out: ExperimentSummary[] = [];
  for (let i = 0; i < list.length; i += 2) {
    const done = await Promise.all(list.slice(i, i + 2).map((e) => readoutOf(app, workspaceId, e)));
    for (const r of done) out.push({ ...r.experiment, exposures: r.readout.exposures, daysRunning: r.daysRunning, verdict: r.readout.verdict });
  }
  return out;
}

/**
 * Journey split nodes ask this whether their experiment has a winner. Cached per experiment (a step
 * must not cost a PostgreSQL read); a pick or a stop drops the workspace's entries in every process,
 * and five seconds bound how late a process that missed the message sees it.
 */
export function splitDecisions(app: App): SplitDecisions {
  return {
    async winner(workspaceId, key) {
      const byWs = app.services.splitWinners.entries;
      let cache = byWs.get(workspaceId);
      if (!cache) byWs.set(workspaceId, (cache = ttlCache({ max: 10_000, ttlMs: 5_000 })));
      const hit = cache.get(key);
      if (hit) return hit.winner;
      const own = cache;
      const e = await experimentByKey(app.postgres.db, workspaceId, key);
      const winner = e?.status === 'winner' ? e.winner : null;
      own.set(key, { winner });
      return winner;
    },
  };
}

declare module '../app-handle' {
  interface Services {
    /** Split experiments' winners per workspace, for journey steps (built in `createServices`). */
    splitWinners: TopicCache<LRUCache<string, { winner: string | null }>>;
    /** Readouts' sums per experiment id (built in `createServices`). */
    experimentReadouts: TopicCache<ReadoutSums>;
  }
}
