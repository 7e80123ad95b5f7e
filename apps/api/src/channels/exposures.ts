import { experimentExposureEvent } from '@overture/journeys';
import type { ClickHouseClient } from '../stores/clickhouse';
import type { Logger } from '../logger';
import { OnceWriter } from '../kernel/once-writer';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';

/**
 * `$experiment_exposure` events of template variants, logged when a message of a template with
 * variants is sent. A send only appends here (no await); the queue resolves the profiles' first
 * linked ids (an event belongs to a distinct id) and writes what gathered in one events insert,
 * while further exposures gather for the next. Each exposure's messageId is derived from
 * (experiment, profile), so the events store keeps one per profile whatever the process or the
 * number of sends; a per-process memory of what was logged spares the store most repeats.
 */
export interface MessageExposure {
  workspaceId: string;
  /** The template's experiment key (`message:<templateId>`). */
  key: string;
  variant: string;
  profileId: string;
  templateId: string;
  messageId: string;
  channel: string;
  at: number;
}

/** How a profile's first linked id is found (profiles' `firstLinkedIds`, passed in by the composition root). */
export type FirstLinkedIds = (ch: ClickHouseClient, workspaceId: string, profileIds: string[]) => Promise<Map<string, { distinct_id: string; kind: string }>>;

/** The app's writer of message exposures (`app.services.messageExposures`). */
export function createMessageExposureWriter(clickhouse: ClickHouseClient, log: Logger, firstLinkedIds: FirstLinkedIds): OnceWriter<MessageExposure> {
  return new OnceWriter<MessageExposure>({
    keyOf: (e) => `${e.workspaceId}\u0000${e.key}\u0000${e.profileId}`,
    write: async (batch) => {
      const rows = [];
      for (const workspaceId of new Set(batch.map((e) => e.workspaceId))) {
        const list = batch.filter((e) => e.workspaceId === workspaceId);
        const ids = await firstLinkedIds(clickhouse, workspaceId, [...new Set(list.map((e) => e.profileId))]);
        for (const e of list) {
          const id = ids.get(e.profileId);
          // A profile with no id of its own has no events to judge it by: nothing to expose.
          if (!id) continue;
          rows.push(
            normalizeEvent(
              {
                type: 'track',
                event: experimentExposureEvent,
                messageId: `exposure:${e.key}:${e.profileId}`,
                ...(id.kind === 'anonymous' ? { anonymousId: id.distinct_id } : { userId: id.distinct_id }),
                timestamp: new Date(e.at).toISOString(),
                properties: { experiment: e.key, variant: e.variant, context: { template_id: e.templateId, message_id: e.messageId, channel: e.channel } },
              } as Parameters<typeof normalizeEvent>[0],
              { workspaceId, receivedAt: e.at },
            ),
          );
        }
      }
      if (rows.length) await insertEvents(clickhouse, rows);
    },
    // Forgotten, so the profile's next message of the template logs the exposure again.
    onError: (err, count) => log.warn('message exposures not recorded', { error: err.message, count }),
  });
}

/** What these functions need of the App handle (this file is built from by the composition root). */
type ExposureHost = { services: { messageExposures: OnceWriter<MessageExposure> } };

export function logMessageExposure(app: ExposureHost, e: MessageExposure): void {
  app.services.messageExposures.add(e);
}

/** Waits for the queued exposures to be written (tests, and a graceful shutdown). */
export function messageExposuresWritten(app: ExposureHost): Promise<void> {
  return app.services.messageExposures.drained();
}
