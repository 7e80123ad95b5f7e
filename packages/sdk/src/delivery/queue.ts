import { lsGet, lsSet, uuid } from '../core/storage';

export interface QueuedEvent {
  messageId: string;
  [k: string]: unknown;
}

const prefix = 'ovq_';
/** A tab that has not written its queue for this long is gone; its events are adopted. */
const staleMs = 60000;

/**
 * The persisted event queue. Each page view writes only its own key, so tabs never overwrite each
 * other's events; `adopt` takes over the queues of pages that are gone: marked orphaned at
 * `pagehide`, or silent for a minute (a crash). Should two tabs ever send the same event, the server
 * collapses it by `messageId`.
 */
export function createQueue(max: number) {
  const key = prefix + uuid().slice(0, 8);
  let items: QueuedEvent[] = [];
  let pending: ReturnType<typeof setTimeout> | undefined;

  const q = {
    items: () => items,
    /** Writes the queue with a heartbeat (0 marks it orphaned); on a quota error drops the oldest quarter and tries again. */
    save(alive = true) {
      clearTimeout(pending);
      pending = undefined;
      while (!lsSet(key, items.length ? JSON.stringify({ t: alive ? Date.now() : 0, q: items }) : null) && items.length) items = items.slice((items.length >> 2) || 1);
    },
    /** Persisted in the next task, so a burst of events costs one write and `page()` none. */
    push(e: QueuedEvent) {
      items.push(e);
      if (items.length > max) items = items.slice(-max);
      if (!pending) pending = setTimeout(q.save);
    },
    remove(sent: QueuedEvent[]) {
      const ids = new Set(sent.map((e) => e.messageId));
      items = items.filter((e) => !ids.has(e.messageId));
      q.save();
    },
    clear() {
      items = [];
      q.save();
    },
    adopt() {
      const now = Date.now();
      const mine = new Set(items.map((e) => e.messageId));
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (!k?.startsWith(prefix) || k == key) continue;
        // unreadable: an orphan with nothing in it
        let other: { t: number; q: QueuedEvent[] } = { t: 0, q: [] };
        try {
          other = JSON.parse(lsGet(k)!) ?? other;
        } catch {
          // keeps the empty orphan
        }
        if (now - other.t < staleMs) continue;
        lsSet(k, null);
        i--;
        for (const e of other.q) if (!mine.has(e.messageId)) items.push(e);
      }
      if (items.length > max) items = items.slice(-max);
      q.save();
      return items.length > mine.size;
    },
  };
  return q;
}

export type Queue = ReturnType<typeof createQueue>;
