import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { splitExperimentKey, type JourneyDefinition } from '@overture/journeys';
import type { Database } from '../stores/postgres';
import { listJourneys, publishedJourneys } from '../journeys';
import { defaultMetrics, experimentInputSchema, metricSchema, variantSchema, type ExperimentInput, type Metric, type Variant } from './definition';
import type { ExperimentAllocation, ExperimentEngine, ExperimentKind, ExperimentStatus } from './tables';

export class ExperimentError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT',
  ) {
    super(message);
  }
}

export interface Experiment {
  id: string;
  key: string;
  name: string;
  kind: ExperimentKind;
  sourceRef: string;
  variants: Variant[];
  metrics: Metric[];
  engine: ExperimentEngine;
  sequential: boolean;
  /** `bandit`: Thompson sampling re-weights the variants on a schedule, each kept at `minWeight` or more. */
  allocation: ExperimentAllocation;
  minWeight: number;
  status: ExperimentStatus;
  winner: string | null;
  startedAt: Date;
  stoppedAt: Date | null;
}

type Row = Selectable<Database['experiments']>;

const columns = ['id', 'key', 'name', 'kind', 'source_ref', 'variants', 'metrics', 'engine', 'sequential', 'allocation', 'min_weight', 'status', 'winner', 'started_at', 'stopped_at'] as const;

const toExperiment = (r: Pick<Row, (typeof columns)[number]>): Experiment => ({
  id: r.id,
  key: r.key,
  name: r.name,
  kind: r.kind,
  sourceRef: r.source_ref,
  variants: variantSchema.array().parse(r.variants),
  metrics: metricSchema.array().parse(r.metrics),
  engine: r.engine,
  sequential: r.sequential,
  allocation: r.allocation,
  minWeight: r.min_weight,
  status: r.status,
  winner: r.winner,
  startedAt: r.started_at,
  stoppedAt: r.stopped_at,
});


export async function createExperiment(db: Kysely<Database>, workspaceId: string, input: ExperimentInput): Promise<Experiment> {
  const parsed = experimentInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ExperimentError(`${issue.path.join('.') || 'experiment'}: ${issue.message}`, 'BAD_REQUEST');
  }
  const e = parsed.data;
  const row = await db
    .insertInto('experiments')
    .values({ id: randomUUID(), workspace_id: workspaceId, key: e.key, name: e.name, kind: e.kind, source_ref: e.sourceRef, variants: JSON.stringify(e.variants), metrics: JSON.stringify(e.metrics), engine: e.engine, sequential: e.sequential })
    .onConflict((oc) => oc.columns(['workspace_id', 'key']).doNothing())
    .returning(columns)
    .executeTakeFirst();
  if (!row) throw new ExperimentError(`key: an experiment "${e.key}" already exists`, 'CONFLICT');
  return toExperiment(row);
}

export async function listExperiments(db: Kysely<Database>, workspaceId: string): Promise<Experiment[]> {
  const rows = await db.selectFrom('experiments').select(columns).where('workspace_id', '=', workspaceId).orderBy('started_at', 'desc').execute();
  return rows.map(toExperiment);
}

export async function getExperiment(db: Kysely<Database>, workspaceId: string, id: string): Promise<Experiment> {
  const row = await db.selectFrom('experiments').select(columns).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new ExperimentError('experiment not found', 'NOT_FOUND');
  return toExperiment(row);
}

export async function experimentByKey(db: Kysely<Database>, workspaceId: string, key: string): Promise<Experiment | null> {
  const row = await db.selectFrom('experiments').select(columns).where('workspace_id', '=', workspaceId).where('key', '=', key).executeTakeFirst();
  return row ? toExperiment(row) : null;
}

/** Settings a marketer may change while it runs: the metrics it is judged on and how. */
export async function updateExperimentSettings(db: Kysely<Database>, workspaceId: string, id: string, settings: { metrics?: Metric[]; engine?: ExperimentEngine; sequential?: boolean }): Promise<Experiment> {
  await getExperiment(db, workspaceId, id);
  const metrics = settings.metrics ? metricSchema.array().min(1).max(10).safeParse(settings.metrics) : null;
  if (metrics && !metrics.success) throw new ExperimentError(`metrics.${metrics.error.issues[0]!.path.join('.')}: ${metrics.error.issues[0]!.message}`, 'BAD_REQUEST');
  await db
    .updateTable('experiments')
    .set({ ...(metrics ? { metrics: JSON.stringify(metrics.data) } : {}), ...(settings.engine ? { engine: settings.engine } : {}), ...(settings.sequential !== undefined ? { sequential: settings.sequential } : {}), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  return getExperiment(db, workspaceId, id);
}

/** Stopped: nobody new is exposed; assignment falls back to the control. */
export async function stopExperiment(db: Kysely<Database>, workspaceId: string, id: string): Promise<Experiment> {
  const e = await getExperiment(db, workspaceId, id);
  if (e.status !== 'running') throw new ExperimentError(`the experiment is already ${e.status === 'winner' ? 'decided' : 'stopped'}`, 'CONFLICT');
  await db.updateTable('experiments').set({ status: 'stopped', stopped_at: new Date(), updated_at: new Date() }).where('id', '=', id).execute();
  return getExperiment(db, workspaceId, id);
}

/** The winner takes 100 %: every later assignment returns it, and exposures stop being logged. */
export async function pickWinner(db: Kysely<Database>, workspaceId: string, id: string, variant: string): Promise<Experiment> {
  const e = await getExperiment(db, workspaceId, id);
  if (e.kind === 'holdout') throw new ExperimentError('a holdout has no winner to route people to: stop it to end it', 'BAD_REQUEST');
  if (!e.variants.some((v) => v.name === variant)) throw new ExperimentError(`variant: "${variant}" is not a variant of this experiment`, 'BAD_REQUEST');
  if (e.status === 'winner') throw new ExperimentError('a winner is already picked', 'CONFLICT');
  await db.updateTable('experiments').set({ status: 'winner', winner: variant, stopped_at: e.stoppedAt ?? new Date(), updated_at: new Date() }).where('id', '=', id).execute();
  return getExperiment(db, workspaceId, id);
}

/** The variants of a journey split: the holdout first (the control every branch is measured against), then the branches. */
export function splitVariants(node: { branches: Array<{ name: string; weight: number }>; holdoutPercent: number }): Variant[] {
  const total = node.branches.reduce((s, b) => s + b.weight, 0);
  const share = 100 - node.holdoutPercent;
  return [...(node.holdoutPercent > 0 ? [{ name: 'holdout', weight: node.holdoutPercent }] : []), ...node.branches.map((b) => ({ name: b.name, weight: (share * b.weight) / total }))];
}

/**
 * Journey split nodes become experiments here, derived from the published journeys and then kept
 * as rows: an experiment has state of its own (status, winner, engine, chosen metrics) that must
 * outlive the journey version it came from, while the journeys domain stays unaware of experiments
 * (every way of publishing, dashboard, demo seed or bench, is covered without calling us). Runs
 * before the experiments are listed or read; a republish updates the variants and keeps that state;
 * a split removed from the journey keeps its experiment and its history.
 */
export async function syncJourneySplits(db: Kysely<Database>, workspaceId: string): Promise<void> {
  const [live, names] = await Promise.all([publishedJourneys(db, workspaceId), listJourneys(db, workspaceId)]);
  const nameOf = new Map(names.map((j) => [j.id, j.name]));
  for (const j of live) await registerSplits(db, workspaceId, j.id, nameOf.get(j.id) ?? j.id, j.definition);
}

async function registerSplits(db: Kysely<Database>, workspaceId: string, journeyId: string, journeyName: string, definition: JourneyDefinition): Promise<void> {
  const goal = definition.goal ? { event: definition.goal.event, windowHours: Math.max(1, Math.round(definition.goal.attributionWindowHours)) } : null;
  for (const node of definition.nodes) {
    if (node.type !== 'split') continue;
    const variants = splitVariants(node);
    if (variants.length < 2) continue;
    const key = splitExperimentKey(journeyId, node.id);
    const variantsJson = JSON.stringify(variants);
    await db
      .insertInto('experiments')
      .values({ id: randomUUID(), workspace_id: workspaceId, key, name: `${journeyName}: ${node.label ?? node.id}`, kind: 'journey_split', source_ref: `${journeyId}/${node.id}`, variants: variantsJson, metrics: JSON.stringify(defaultMetrics(goal)) })
      .onConflict((oc) => oc.columns(['workspace_id', 'key']).doUpdateSet({ variants: variantsJson, updated_at: new Date() }).where('experiments.variants', '!=', sql<string>`${variantsJson}::jsonb`))
      .execute();
  }
}

/**
 * Creates or refreshes an experiment derived from something else (a placement, a template): its name
 * and variants follow the source, its own state (status, winner, chosen metrics) is kept. Writes only
 * when the name or variants changed.
 */
export async function upsertDerivedExperiment(db: Kysely<Database>, workspaceId: string, e: { key: string; name: string; kind: ExperimentKind; sourceRef: string; variants: Variant[]; metrics: Metric[] }): Promise<void> {
  const variantsJson = JSON.stringify(e.variants.map((v) => ({ name: v.name, weight: v.weight })));
  await db
    .insertInto('experiments')
    .values({ id: randomUUID(), workspace_id: workspaceId, key: e.key, name: e.name, kind: e.kind, source_ref: e.sourceRef, variants: variantsJson, metrics: JSON.stringify(e.metrics) })
    .onConflict((oc) =>
      oc
        .columns(['workspace_id', 'key'])
        .doUpdateSet({ variants: variantsJson, name: e.name, updated_at: new Date() })
        .where((eb) => eb.or([eb('experiments.variants', '!=', sql<string>`${variantsJson}::jsonb`), eb('experiments.name', '!=', e.name)])),
    )
    .execute();
}
