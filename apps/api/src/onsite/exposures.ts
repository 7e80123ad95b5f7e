import { experimentExposureEvent } from '@overture/journeys';
import type { ClickHouseClient } from '../stores/clickhouse';
import type { Logger } from '../logger';
import { OnceWriter } from '../kernel/once-writer';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';

/**
 * `$experiment_exposure` events of placement variants, logged off decide's path: decide only
 * appends to this queue (no await), and the queue writes what gathered in one events insert on the
 * next turn of the event loop, while further exposures gather for the insert after it. Each exposure's
 * messageId is derived from (experiment, profile), so the events store keeps one per profile even
 * across processes; a per-process memory of what was logged spares the store most repeats.
 */
export interface PlacementExposure {
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

/** The app's writer of placement exposures (`app.services.placementExposures`). */
export function createPlacementExposureWriter(clickhouse: ClickHouseClient, log: Logger): OnceWriter<PlacementExposure> {
  return new OnceWriter<PlacementExposure>({
    keyOf: (e) => `${e.workspaceId}\u0000${e.key}\u0000${e.profileId}`,
    write: async (batch) => {
      await insertEvents(clickhouse, batch.map(toRow));
    },
    // Forgotten, so the profile's next page view logs the exposure again.
    onError: (err, count) => log.warn('onsite exposures not recorded', { error: err.message, count }),
  });
}

function toRow(e: PlacementExposure) {
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

/** What these functions need of the App handle (this file is built from by the composition root). */
type ExposureHost = { services: { placementExposures: OnceWriter<PlacementExposure> } };

export function logExposure(app: ExposureHost, e: PlacementExposure): void {
  app.services.placementExposures.add(e);
}

/** Waits for the queued exposures to be written (tests, and a graceful shutdown). */
export function exposuresWritten(app: ExposureHost): Promise<void> {
  return app.services.placementExposures.drained();
}
