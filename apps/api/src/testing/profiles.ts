import { randomUUID } from 'node:crypto';
import type { App } from '../app-handle';
import { normalizeEvent } from '../ingest/normalize';
import type { IncomingEvent } from '../ingest/schema';
import { toLiveEvent } from '../events/queue';
import { consumeProfileEvents } from '../profiles/consumer';
import { refreshProfilesSegments } from '../segments/refresh';

/** Stores events the way ingestion does, then runs the real-time profile consumer on them (no worker needed). */
export async function ingest(app: App, workspaceId: string, events: Array<Record<string, unknown>>): Promise<void> {
  const rows = events.map((e) => normalizeEvent({ messageId: randomUUID(), ...e } as IncomingEvent, { workspaceId, receivedAt: Date.now() }));
  await app.writer.write(rows);
  await consumeProfileEvents(app, rows.map(toLiveEvent), refreshProfilesSegments);
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
