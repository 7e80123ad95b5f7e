import type { App } from '../app-handle';
import { messageExperimentKey, setTemplateVariantWinner, templatesWithVariants } from '../templates';
import { revenueEvent, type Metric } from './definition';
import { upsertDerivedExperiment, type Experiment } from './experiments';

const windowHours = 7 * 24;

/** What a template's variants are judged on: orders after the message, revenue, and unsubscribes and complaints as guardrails. */
export function messageMetrics(): Metric[] {
  return [
    { kind: 'conversion', name: `Converted: ${revenueEvent}`, event: revenueEvent, windowHours },
    { kind: 'revenue', name: 'Revenue per profile', windowHours },
    { kind: 'guardrail', name: 'Unsubscribes', outcome: 'unsubscribe', windowHours },
    { kind: 'guardrail', name: 'Spam complaints', outcome: 'complaint', windowHours },
  ];
}

/**
 * A template with variants is experiment `message:<templateId>` of kind `message`, kept in step
 * with the template as onsite placements are: created on first sight (a template saved with
 * variants, or the experiments list), its name (the template's) and variants updated when they
 * change, its own state (status, winner, chosen metrics) kept. A template whose variants were
 * removed keeps its experiment and history. `templateId` narrows the sync to one template.
 */
export async function syncMessageExperiments(app: App, workspaceId: string, templateId?: string): Promise<void> {
  const templates = await templatesWithVariants(app, workspaceId);
  for (const t of templates) {
    if (templateId !== undefined && t.id !== templateId) continue;
    await upsertDerivedExperiment(app.postgres.db, workspaceId, { key: messageExperimentKey(t.id), name: t.name, kind: 'message', sourceRef: t.id, variants: t.variants.map((v) => ({ name: v.key, weight: v.weight })), metrics: messageMetrics() });
  }
}

/** A decided message experiment decides its template: the winner for everyone (a stopped one: its first variant, the control). */
export async function applyMessageDecision(app: App, workspaceId: string, e: Experiment): Promise<void> {
  if (e.kind !== 'message' || e.status === 'running') return;
  await setTemplateVariantWinner(app, workspaceId, e.sourceRef, e.status === 'winner' && e.winner ? e.winner : e.variants[0]!.name);
}
