import { experimentExposureEvent } from '@overture/journeys';
import type { App } from '../app';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';

/**
 * `$experiment_exposure` events of placement variants, logged off decide's path: decide only
 * appends to this queue (no await), and the queue writes what gathered in one events insert on the
 * next turn of the event loop, while further exposures gather for the insert after it. Each exposure's
 * messageId is derived from (experiment, profile), so the events store keeps one per profile even
 * across processes; a per-process memory of what was logged spares the store most repeats.
 */
interface Exposure {
  workspaceId: string;
  key: string;
  variant: string;
  profileId: string;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  placementId: string;
  url: string;
  at: number;
}

const maxRemembered = 200_000;
const maxBatch = 5_000;

class ExposureLog {
  #logged = new Set<string>();
  #pending: Exposure[] = [];
  #flushing: Promise<void> | null = null;

  constructor(private readonly app: App) {}

  add(e: Exposure): void {
    const id = `${e.workspaceId}\u0000${e.key}\u0000${e.profileId}`;
    if (this.#logged.has(id)) return;
    if (this.#logged.size >= maxRemembered) this.#logged.clear();
    this.#logged.add(id);
    this.#pending.push(e);
    this.#flushing ??= this.#flush();
  }

  /** Resolves once everything queued so far is written (or its failure logged). */
  async drained(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, maxBatch);
      try {
        await insertEvents(this.app.clickhouse, batch.map(toRow));
      } catch (err) {
        // Forgotten, so the profile's next page view logs the exposure again.
        for (const e of batch) this.#logged.delete(`${e.workspaceId}\u0000${e.key}\u0000${e.profileId}`);
        this.app.log.warn('onsite exposures not recorded', { error: (err as Error).message, count: batch.length });
      }
    }
    this.#flushing = null;
  }
}

function toRow(e: Exposure) {
  return normalizeEvent(
    {
      type: 'track',
      event: experimentExposureEvent,
      messageId: `exposure:${e.key}:${e.profileId}`,
      ...(e.userId ? { userId: e.userId } : { anonymousId: e.anonymousId }),
      timestamp: new Date(e.at).toISOString(),
      properties: { experiment: e.key, variant: e.variant, context: { placement: e.placementId, url: e.url } },
    } as Parameters<typeof normalizeEvent>[0],
    { workspaceId: e.workspaceId, receivedAt: e.at },
  );
}

const logs = new WeakMap<App, ExposureLog>();

function logOf(app: App): ExposureLog {
  let log = logs.get(app);
  if (!log) logs.set(app, (log = new ExposureLog(app)));
  return log;
}

export function logExposure(app: App, e: Exposure): void {
  logOf(app).add(e);
}

/** Waits for the queued exposures to be written (tests, and a graceful shutdown). */
export function exposuresWritten(app: App): Promise<void> {
  return logOf(app).drained();
}
