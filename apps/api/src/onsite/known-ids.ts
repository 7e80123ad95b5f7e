import type { App } from '../app';
import { linkedIdCount, linkedIdsAfter, linkedIdsSince, onIdentitiesLinked, type LinkedIdRow } from '../profiles';
import { lookupSettings } from './lookup-settings';

/**
 * Which distinct ids the identity map holds, per workspace, as a Bloom filter in memory (about 10
 * bits per id, 1 % false positives), so decide can tell a visitor nobody has linked yet (a first
 * page view) without asking ClickHouse. "Not in the filter" is definite for every id stored before
 * the last refresh; ids this process links are added at once, and ids other processes link appear
 * at the next refresh (every `refreshMs` while decide is busy, or less often when a refresh is slow:
 * it scans the workspace's identities, and must not take more than 1/20 of the engine's time).
 * A false positive only costs the look-up it would have cost anyway.
 */
export const refreshMs = 2_000;
const reloadMs = 10 * 60_000;
const pageSize = 100_000;
// Versions come from one sequence shared by every process, one per row written: re-read the last
// million drawn, so a row whose version was drawn just before the last refresh but stored after it
// (by any process) is not missed. Far more than are drawn while one batch is being written.
const versionOverlap = 1_000_000n;

export class BloomFilter {
  readonly bits: Uint32Array;
  readonly size: number;
  count = 0;
  constructor(readonly capacity: number) {
    this.size = Math.max(1024, Math.ceil(capacity * 9.6));
    this.bits = new Uint32Array(Math.ceil(this.size / 32));
  }

  #positions(id: string): number[] {
    // Two FNV-1a hashes combined (Kirsch–Mitzenmacher): 7 probes for 1 % at full capacity.
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    h2 = (h2 ^ (h2 >>> 15)) | 1;
    const out: number[] = [];
    for (let k = 0; k < 7; k++) out.push(((h1 + Math.imul(k, h2)) >>> 0) % this.size);
    return out;
  }

  add(id: string): void {
    for (const p of this.#positions(id)) this.bits[p >>> 5]! |= 1 << (p & 31);
    this.count++;
  }

  has(id: string): boolean {
    for (const p of this.#positions(id)) if ((this.bits[p >>> 5]! & (1 << (p & 31))) === 0) return false;
    return true;
  }
}

interface WorkspaceIds {
  filter?: BloomFilter;
  maxVersion: bigint;
  refreshedAt: number;
  /** How long the last refresh took: the next one waits at least 20 times that. */
  refreshTookMs: number;
  loadedAt: number;
  busy: boolean;
  /** Ids this process linked while a (re)load was reading: added to the new filter when it is ready. */
  linkedMeanwhile: string[];
}

const byApp = new WeakMap<App, Map<string, WorkspaceIds>>();

type IdRow = LinkedIdRow;

async function load(app: App, workspaceId: string, entry: WorkspaceIds): Promise<void> {
  const counted = await linkedIdCount(app, workspaceId, lookupSettings);
  const next: WorkspaceIds = { filter: new BloomFilter(Math.max(1_000, counted * 2)), maxVersion: 0n, refreshedAt: 0, refreshTookMs: 0, loadedAt: Date.now(), busy: true, linkedMeanwhile: [] };
  let after = '';
  for (;;) {
    // Key-ordered pages: each one a range of the table's primary key.
    const page = await linkedIdsAfter(app, workspaceId, after, pageSize, lookupSettings);
    add(next, page);
    if (page.length < pageSize) break;
    after = page.at(-1)!.distinct_id;
  }
  await refresh(app, workspaceId, next);
  for (const id of entry.linkedMeanwhile.splice(0)) next.filter!.add(id);
  entry.filter = next.filter;
  entry.maxVersion = next.maxVersion;
  entry.loadedAt = next.loadedAt;
  entry.refreshedAt = next.refreshedAt;
  entry.refreshTookMs = next.refreshTookMs;
}

function add(entry: WorkspaceIds, page: IdRow[]): void {
  for (const r of page) {
    if (!entry.filter!.has(r.distinct_id)) entry.filter!.add(r.distinct_id);
    const v = BigInt(r.version);
    if (v > entry.maxVersion) entry.maxVersion = v;
  }
}

async function refresh(app: App, workspaceId: string, entry: WorkspaceIds): Promise<void> {
  const startedAt = Date.now();
  const since = entry.maxVersion > versionOverlap ? entry.maxVersion - versionOverlap : 0n;
  add(entry, await linkedIdsSince(app, workspaceId, since, lookupSettings));
  entry.refreshedAt = startedAt;
  entry.refreshTookMs = Date.now() - startedAt;
}

function entryOf(app: App, workspaceId: string): WorkspaceIds {
  let map = byApp.get(app);
  if (!map) {
    byApp.set(app, (map = new Map()));
    onIdentitiesLinked(app, (ws, ids) => {
      const entry = map!.get(ws);
      if (!entry) return;
      if (entry.busy) entry.linkedMeanwhile.push(...ids);
      if (entry.filter) for (const id of ids) if (!entry.filter.has(id)) entry.filter.add(id);
    });
  }
  let entry = map.get(workspaceId);
  if (!entry) map.set(workspaceId, (entry = { maxVersion: 0n, refreshedAt: 0, refreshTookMs: 0, loadedAt: 0, busy: false, linkedMeanwhile: [] }));
  return entry;
}

/**
 * False when the id is certainly not linked to any profile of the workspace; true when it may be
 * (or while the filter is still loading). Keeps the filter fresh in the background.
 */
export function mayBeKnown(app: App, workspaceId: string, distinctId: string): boolean {
  const entry = entryOf(app, workspaceId);
  const now = Date.now();
  if (!entry.busy) {
    const filter = entry.filter;
    const work = !filter || now - entry.loadedAt > reloadMs || filter.count > filter.capacity ? load : now - entry.refreshedAt > Math.max(refreshMs, 20 * entry.refreshTookMs) ? refresh : null;
    if (work) {
      entry.busy = true;
      work(app, workspaceId, entry)
        .catch((err: unknown) => app.log.warn('known-ids filter not refreshed', { workspaceId, error: (err as Error).message }))
        .finally(() => {
          entry.busy = false;
          entry.linkedMeanwhile.length = 0;
        });
    }
  }
  return !entry.filter || entry.filter.has(distinctId);
}
