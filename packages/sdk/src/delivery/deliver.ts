import type { Queue, QueuedEvent } from './queue';
import { retryDelay, retryable } from './backoff';

export interface DeliveryOptions {
  flushAt: number;
  flushInterval: number;
  retryBase?: number;
  retryMax?: number;
  timezone(): string;
}

const maxBatch = 50;
/** Browsers refuse beacons and keepalive bodies above 64 KiB in flight. */
const beaconBytes = 60000;

/**
 * Sends the queue to `POST /v1/batch`. Bodies are `text/plain` JSON carrying the write key, so the
 * cross-origin request is CORS-simple and needs no preflight (which would be lost at unload). Events
 * leave the persisted queue only once the server accepted them (or refused them for good).
 */
export function createDelivery(url: string, writeKey: string, queue: Queue, o: DeliveryOptions) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: QueuedEvent[] = [];
  let attempt = 0;
  let retryAt = 0;
  // Set by an urgent event: what is queued leaves as soon as the request in flight is answered.
  let urgent = false;
  // The time zone rides on the batch (the server merges batch context into each event).
  const body = (batch: QueuedEvent[]) => JSON.stringify({ batch, sentAt: new Date().toISOString(), writeKey, context: { timezone: o.timezone() } });

  function schedule(ms: number) {
    clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    if (inFlight.length || !queue.items().length) return;
    if (now < retryAt) return schedule(retryAt - now);
    if (!navigator.onLine) return; // the `online` event resumes delivery
    urgent = false;
    const batch = (inFlight = queue.items().slice(0, maxBatch));
    const text = body(batch);
    let status = 0;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, { method: 'POST', body: text, keepalive: text.length < beaconBytes });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
    } catch {
      // network error: status stays 0
    }
    inFlight = [];
    if (retryable(status)) {
      retryAt = Date.now() + retryDelay(++attempt, retryAfter, Date.now(), o.retryBase, o.retryMax);
    } else {
      attempt = 0;
      queue.remove(batch);
    }
    if (queue.items().length) schedule(urgent || queue.items().length >= o.flushAt ? 0 : o.flushInterval);
  }

  /** A beacon the browser refuses (too big, quota) is split in halves; a single refused event stays queued. */
  function beacon(events: QueuedEvent[]): QueuedEvent[] {
    if (!events.length) return [];
    const text = body(events);
    if (text.length < beaconBytes && navigator.sendBeacon(url, text)) return events;
    if (events.length == 1) return [];
    const half = events.length >> 1;
    return beacon(events.slice(0, half)).concat(beacon(events.slice(half)));
  }

  addEventListener('online', () => {
    retryAt = 0;
    flush();
  });

  return {
    flush,
    /**
     * New event queued: send now when the batch is full or someone waits for it (`urgent`: identify, the
     * first page view), else within the flush interval.
     */
    queued(now?: boolean) {
      if (now) urgent = true;
      if (urgent || queue.items().length >= o.flushAt) flush();
      else if (!timer) schedule(o.flushInterval);
    },
    /**
     * The page is going away: everything not already in a (keepalive) request goes by beacon, unless
     * we are offline or backing off from a failing server (a beacon's fate is unknown). What is not
     * sent stays in the persisted queue, marked for the next page to adopt.
     */
    unload(final: boolean) {
      const flying = new Set(inFlight.map((e) => e.messageId));
      if (navigator.onLine && !attempt) queue.remove(beacon(queue.items().filter((e) => !flying.has(e.messageId))));
      queue.save(!final);
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;
