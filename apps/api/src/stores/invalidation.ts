import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * Drops per-process cache entries in every process (API and workers scaled out) when the data
 * behind them changes, over one Redis pub/sub channel per queue prefix.
 *
 * `publish` runs this process's handlers at once and tells the others; a message reaches them in
 * milliseconds. Pub/sub is fire-and-forget: while a process is cut off from Redis it misses
 * messages, so every cache wired here keeps its TTL as the bound on how stale it can get.
 */
export type InvalidationHandler = (key: string) => void;

/** The topics in use, in one place: who publishes what, who listens. */
export const topics = {
  /** key: workspace id; onsite placements saved or deleted. */
  placements: 'onsite-placements',
  /** key: workspace id. */
  smtpSettings: 'smtp-settings',
  /** key: workspace id. */
  templates: 'templates',
  /** key: workspace id. */
  emailSenders: 'email-senders',
  /** key: journey id; published, paused, resumed or archived. */
  journeyStatus: 'journey-status',
  /** key: workspace id; journey settings (caps, quiet hours, control group) or the workspace's time zone saved. */
  journeySettings: 'journey-settings',
  /** key: workspace id; an experiment's winner picked or the experiment stopped. */
  experimentDecisions: 'experiment-decisions',
  /** key: experiment id; its readout recomputed on request (other processes drop their cached copy). */
  experimentReadouts: 'experiment-readouts',
  /** key: workspace id; catalog alert settings (price-drop threshold, look-back window) saved. */
  catalogSettings: 'catalog-settings',
} as const;


export interface InvalidationBus {
  /** Runs the topic's handlers here (unless `here` is false: this process already updated its copy) and in every other process. */
  publish(topic: string, key: string, options?: { here?: boolean }): void;
  subscribe(topic: string, handler: InvalidationHandler): () => void;
  /** Resolves once this process receives other processes' messages (after the first subscribe). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

interface Message {
  o: string;
  t: string;
  k: string;
}

// Topics and keys are ours (workspace and profile ids), never visitor input, but a bound keeps one
// malformed message from holding memory.
const maxMessageBytes = 4_096;

export function createInvalidationBus(redisUrl: string, prefix: string, onError: (err: Error) => void = () => undefined): InvalidationBus {
  const origin = randomBytes(8).toString('hex');
  const channel = `${prefix}:invalidate`;
  const handlers = new Map<string, Set<InvalidationHandler>>();
  // A subscribed connection can run nothing else; publishes use a second, ordinary one. Both queue
  // commands until connected and resubscribe after a reconnect.
  const sub = new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (n) => Math.min(n * 200, 2_000) });
  const pub = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: (n) => Math.min(n * 200, 2_000) });
  sub.on('error', onError);
  pub.on('error', onError);
  let subscribed: Promise<unknown> | null = null;

  const dispatch = (topic: string, key: string) => {
    for (const h of handlers.get(topic) ?? []) {
      try {
        h(key);
      } catch (err) {
        onError(err as Error);
      }
    }
  };

  sub.on('message', (_channel: string, raw: string) => {
    if (raw.length > maxMessageBytes) return;
    let m: Message;
    try {
      m = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (m.o === origin || typeof m.t !== 'string' || typeof m.k !== 'string') return;
    dispatch(m.t, m.k);
  });

  return {
    publish(topic, key, options) {
      if (options?.here !== false) dispatch(topic, key);
      pub.publish(channel, JSON.stringify({ o: origin, t: topic, k: key } satisfies Message)).catch(onError);
    },
    subscribe(topic, handler) {
      // The Redis subscription starts with the first handler: processes that cache nothing hold no extra connection.
      subscribed ??= sub.subscribe(channel).catch(onError);
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => void handlers.get(topic)?.delete(handler);
    },
    async ready() {
      await subscribed;
    },
    async close() {
      handlers.clear();
      sub.disconnect();
      pub.disconnect();
    },
  };
}
