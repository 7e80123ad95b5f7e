import { journeyDefinitionSchema, type JourneyDefinition } from '@overture/journeys';
import type { App } from '../app-handle';
import { createJourney, type JourneySummary } from '../journeys';
import { getTemplate, saveTemplate, templateInput, type TemplateInput } from '../templates';
import orderDelayed from './templates/order-delayed.json';
import backInStock from './templates/back-in-stock.json';
import pricedrop from './templates/price-drop.json';

/** A ready journey for a service moment: the event it starts on, its messages and its definition. */
export interface ServiceJourneyTemplate {
  id: string;
  name: string;
  description: string;
  event: { name: string; properties: Record<string, string>; note?: string };
  messages: TemplateInput[];
  journey: JourneyDefinition;
}

// Parsed once at load: a broken JSON file fails every test and the start, not a marketer's click.
export const serviceJourneyTemplates: ServiceJourneyTemplate[] = [orderDelayed, backInStock, pricedrop].map((t) => ({
  ...t,
  messages: t.messages.map((m) => templateInput.parse(m)),
  journey: journeyDefinitionSchema.parse(t.journey) as JourneyDefinition,
}));

export class ServiceTemplateNotFound extends Error {}

/**
 * Creates a draft journey from a template, and the message templates it names unless the workspace
 * already has templates of those names (a marketer's edits are never overwritten).
 */
export async function createServiceJourney(app: App, workspaceId: string, templateId: string, name?: string): Promise<{ journey: JourneySummary; createdTemplates: string[] }> {
  const t = serviceJourneyTemplates.find((x) => x.id === templateId);
  if (!t) throw new ServiceTemplateNotFound(`templateId: no service journey template "${templateId}" (have ${serviceJourneyTemplates.map((x) => x.id).join(', ')})`);
  const createdTemplates: string[] = [];
  for (const m of t.messages) {
    if (await getTemplate(app, workspaceId, m.name)) continue;
    await saveTemplate(app, workspaceId, m);
    createdTemplates.push(m.name);
  }
  const journey = await createJourney(app.postgres.db, workspaceId, name ?? t.name, t.journey);
  return { journey, createdTemplates };
}
