// Helpers for the journey tests (real stores, real Redis): a clock tests move by hand, and polling.
import { randomUUID } from 'node:crypto';
import type { App } from '../app-handle';
import { createJourney, publishJourney, saveDraft } from '../journeys/journeys';

export { ManualClock } from '@overture/journeys/testing';

export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await fn();
  }
  return last;
}

export async function publishedJourney(app: App, workspaceId: string, def: unknown, name = `journey ${randomUUID().slice(0, 6)}`) {
  const j = await createJourney(app.postgres.db, workspaceId, name, def);
  const { version } = await publishJourney(app.postgres.db, workspaceId, j.id);
  return { id: j.id, version };
}

export async function republish(app: App, workspaceId: string, journeyId: string, def: unknown) {
  await saveDraft(app.postgres.db, workspaceId, journeyId, def);
  return publishJourney(app.postgres.db, workspaceId, journeyId);
}

export async function sinkMessages(app: App, workspaceId: string) {
  return app.postgres.db.selectFrom('test_sink_messages').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
}

export async function auditRows(app: App, workspaceId: string) {
  const rows = await app.postgres.db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId).where('actor', 'like', 'journey:%').orderBy('id').execute();
  return rows.map((r) => ({ ...r, detail: r.detail as { nodeId: string; runId: string; decision: Record<string, unknown>; outcome: Record<string, unknown> } }));
}

export async function runsOf(app: App, journeyId: string) {
  return app.postgres.db.selectFrom('journey_runs').selectAll().where('journey_id', '=', journeyId).execute();
}

/** Stores events the way ingestion does, then runs every real-time consumer on them in order, as the worker does. */
export async function ingestEvents(app: App, workspaceId: string, events: Array<Record<string, unknown>>): Promise<void> {
  const { normalizeEvent } = await import('../ingest/normalize');
  const { toLiveEvent } = await import('../events/queue');
  const { eventConsumers } = await import('../worker/event-consumers');
  const rows = events.map((e) => normalizeEvent({ messageId: randomUUID(), ...e } as never, { workspaceId, receivedAt: Date.now() }));
  await app.writer.write(rows);
  const live = rows.map(toLiveEvent);
  for (const c of eventConsumers) await c.consume(app, live);
}
