import { experimentExposureEvent } from '@overture/journeys';
import type { App } from '../app';
import { insertEvents } from '../events/store';
import { normalizeEvent } from '../ingest/normalize';
import { firstLinkedIds } from '../profiles';

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

const maxRemembered = 200_000;
const maxBatch = 5_000;
const idOf = (e: MessageExposure) => `${e.workspaceId}\u0000${e.key}\u0000${e.profileId}`;

class MessageExposureLog {
  #logged = new Set<string>();
  #pending: MessageExposure[] = [];
  #flushing: Promise<void> | null = null;

  constructor(private readonly app: App) {}

  add(e: MessageExposure): void {
    const id = idOf(e);
    if (this.#logged.has(id)) return;
    if (this.#logged.size >= maxRemembered) this.#logged.clear();
    this.#logged.add(id);
    this.#pending.push(e);
    this.#flushing ??= this.#flush();
  }

  async drained(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, maxBatch);
      try {
        await this.#write(batch);
      } catch (err) {
        // Forgotten, so the profile's next message of the template logs the exposure again.
        for (const e of batch) this.#logged.delete(idOf(e));
        this.app.log.warn('message exposures not recorded', { error: (err as Error).message, count: batch.length });
      }
    }
    this.#flushing = null;
  }

  async #write(batch: MessageExposure[]): Promise<void> {
    const rows = [];
    for (const workspaceId of new Set(batch.map((e) => e.workspaceId))) {
      const list = batch.filter((e) => e.workspaceId === workspaceId);
      const ids = await firstLinkedIds(this.app.clickhouse, workspaceId, [...new Set(list.map((e) => e.profileId))]);
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
    if (rows.length) await insertEvents(this.app.clickhouse, rows);
  }
}

const logs = new WeakMap<App, MessageExposureLog>();

function logOf(app: App): MessageExposureLog {
  let log = logs.get(app);
  if (!log) logs.set(app, (log = new MessageExposureLog(app)));
  return log;
}

export function logMessageExposure(app: App, e: MessageExposure): void {
  logOf(app).add(e);
}

/** Waits for the queued exposures to be written (tests, and a graceful shutdown). */
export function messageExposuresWritten(app: App): Promise<void> {
  return logOf(app).drained();
}
