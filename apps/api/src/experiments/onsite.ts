import type { App } from '../app-handle';
import { listPlacements, onsiteExperimentKey, setPlacementWinner } from '../onsite';
import { revenueEvent, type Metric } from './definition';
import { upsertDerivedExperiment, type Experiment } from './experiments';

const windowHours = 7 * 24;

/** What a placement's variants are judged on: orders after the exposure, revenue, and dismissals as the guardrail. */
export function onsiteMetrics(): Metric[] {
  return [
    { kind: 'conversion', name: `Converted: ${revenueEvent}`, event: revenueEvent, windowHours },
    { kind: 'revenue', name: 'Revenue per profile', windowHours },
    { kind: 'guardrail', name: 'Dismissals', outcome: 'dismiss', windowHours },
  ];
}

/**
 * A placement with variants is experiment `onsite:<placementId>` of kind `onsite`, kept in step with
 * the placement as journey splits are: created on first sight, its name (the placement's) and
 * variants updated when they change, its own state (status, winner, chosen metrics) kept. A placement
 * whose variants were removed, or that was deleted, keeps its experiment and history.
 */
export async function syncOnsiteExperiments(app: App, workspaceId: string): Promise<void> {
  const placements = await listPlacements(app, workspaceId);
  for (const p of placements) {
    if (p.variants.length < 2) continue;
    await upsertDerivedExperiment(app.postgres.db, workspaceId, { key: onsiteExperimentKey(p.id), name: p.name, kind: 'onsite', sourceRef: p.id, variants: p.variants, metrics: onsiteMetrics() });
  }
}

/** A decided onsite experiment decides its placement: the winner for everyone (a stopped one: its first variant). */
export async function applyOnsiteDecision(app: App, workspaceId: string, e: Experiment): Promise<void> {
  if (e.kind !== 'onsite' || e.status === 'running') return;
  await setPlacementWinner(app, workspaceId, e.sourceRef, e.status === 'winner' && e.winner ? e.winner : e.variants[0]!.name);
}
