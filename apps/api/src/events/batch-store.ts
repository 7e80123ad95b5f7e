import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LiveEvent } from './live-event';

// Decrements the count of steps still to read a batch; the last one deletes the batch and its count.
// A count that is already gone (expired) is left gone rather than recreated without an expiry.
const stepDoneScript = `
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local left = redis.call('DECR', KEYS[2])
if left <= 0 then redis.call('DEL', KEYS[1], KEYS[2]) end
return left`;

export interface EventBatchStoreOptions {
  /** A batch whose steps never all finish (a worker down, a step dead-lettered) expires after this. */
  ttlSeconds: number;
  /** Parsed batches kept in this process, by total events: the worker beside the API reads them without Redis. */
  memoryEvents?: number;
}

/**
 * A committed batch's live events, written to Redis once: the events job and every consumer step
 * name the batch (steps with the indices of the events their consumer accepts) instead of each
 * holding its own copy to serialise, store, fetch and parse. The batch is deleted when its last
 * step is done, or expires. Consumers share the parsed events of a batch and must not change them.
 */
export class EventBatchStore {
  readonly #recent = new Map<string, LiveEvent[]>();
  #recentEvents = 0;
  readonly #memoryEvents: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: EventBatchStoreOptions,
  ) {
    this.#memoryEvents = options.memoryEvents ?? 50_000;
  }

  #key(id: string): string {
    return `${this.prefix}:event-batch:${id}`;
  }

  #leftKey(id: string): string {
    return `${this.prefix}:event-batch:${id}:left`;
  }

  /** Stores the events and returns the batch's id. */
  async save(events: LiveEvent[]): Promise<string> {
    const id = randomUUID();
    await this.redis.set(this.#key(id), JSON.stringify(events), 'EX', this.options.ttlSeconds);
    this.#remember(id, events);
    return id;
  }

  /** The batch's events; throws when it is gone (expired, or all its steps finished). */
  async load(id: string): Promise<LiveEvent[]> {
    const cached = this.#recent.get(id);
    if (cached) return cached;
    const text = await this.redis.get(this.#key(id));
    if (text === null) throw new Error(`event batch ${id} is gone (expired, or every step that read it finished)`);
    const events = JSON.parse(text) as LiveEvent[];
    this.#remember(id, events);
    return events;
  }

  /**
   * Records how many steps will read the batch before they are queued. A count already set is kept:
   * a retried fan-out adds no step twice (their ids are deterministic), so it must not count them twice.
   * No steps: the batch is deleted at once.
   */
  async expectSteps(id: string, steps: number): Promise<void> {
    if (steps === 0) {
      await this.redis.del(this.#key(id));
      this.#forget(id);
      return;
    }
    await this.redis.set(this.#leftKey(id), steps, 'EX', this.options.ttlSeconds, 'NX');
  }

  /** One step will not read the batch again (it succeeded, or failed for good carrying its own events). */
  async stepDone(id: string): Promise<void> {
    const left = (await this.redis.eval(stepDoneScript, 2, this.#key(id), this.#leftKey(id))) as number;
    if (left <= 0) this.#forget(id);
  }

  /** Whether Redis still holds the batch. */
  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(this.#key(id))) === 1;
  }

  #remember(id: string, events: LiveEvent[]): void {
    if (events.length > this.#memoryEvents) return;
    this.#forget(id);
    this.#recent.set(id, events);
    this.#recentEvents += events.length;
    // Oldest first: a Map iterates in insertion order.
    for (const [old, list] of this.#recent) {
      if (this.#recentEvents <= this.#memoryEvents) break;
      this.#recent.delete(old);
      this.#recentEvents -= list.length;
    }
  }

  #forget(id: string): void {
    const list = this.#recent.get(id);
    if (!list) return;
    this.#recent.delete(id);
    this.#recentEvents -= list.length;
  }
}
