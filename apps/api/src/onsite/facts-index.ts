import type { App } from '../app-handle';
import { profileFacts, workspaceProfileFacts, type FactsChange, type ProfileFacts } from '../profiles';
import { segmentsOfProfileRange, segmentsOfProfiles } from '../segments';
import { viewKeys } from './view-keys';
import { rebuildStateView } from './state-view';

/**
 * Decide's copy of who a visitor is, in Redis: distinct id → profile id (one hash per workspace)
 * and per profile its segments, traits and ids (the profiles domain's ids and traits, the segments
 * domain's memberships, each read through its owner). Written when they change (the profiles domain's
 * real-time consumer, segment refreshes, the scheduled recompute: `profileFactsChanged`, which calls
 * `refreshFactsView` as the app's composition root wires it), so
 * decide reads a few keys and never queries the analytical store on the request path.
 */
export interface ViewFacts {
  /** Segment ids the profile is in. */
  s: string[];
  /** Traits. */
  t: Record<string, unknown>;
  /** Distinct ids linked to the profile (erasure drops their entries of the ids hash). */
  d: string[];
}

/** Profiles per Redis command or transaction. */
const chunk = 500;
/**
 * Profiles per look-up of a change's facts: each look-up's cost is mostly fixed (it scans the
 * workspace's identities for their ids), so the real-time path's large refreshes take few of them.
 */
const lookupChunk = 5_000;
/** Profiles per page of a pass over the workspace: each page's memberships are one look-up. */
const rebuildPage = 20_000;
/**
 * How long the copies count as complete after a full rewrite: a full pass rewrites only the profiles
 * its window touched while they do, every copy once they expire (or once Redis lost them).
 */
const completeForSeconds = 7 * 86_400;

/**
 * Writes the copies of `found` (profiles that exist now, each with its current ids and `segments`)
 * and returns the profiles their ids belonged to before in the ids hash, when another: a merge leaves
 * the old profile's copy behind, which the caller drops once it knows that profile is gone. The
 * chunks' commands are sent together (one connection keeps their order), not one round trip each.
 */
async function writeFound(app: App, workspaceId: string, found: ProfileFacts[], segments: Map<string, string[]>): Promise<Set<string>> {
  const idsKey = viewKeys.ids(app, workspaceId);
  const distinct = found.flatMap((f) => f.distinctIds.map((id) => [id, f.profileId] as const));
  const previous = new Set<string>();
  const reads: Array<Promise<void>> = [];
  for (let i = 0; i < distinct.length; i += chunk) {
    const part = distinct.slice(i, i + chunk);
    reads.push(
      app.redis.hmget(idsKey, ...part.map(([id]) => id)).then((before) =>
        before.forEach((old, k) => {
          if (old && old !== part[k]![1]) previous.add(old);
        }),
      ),
    );
  }
  await Promise.all(reads);
  const writes: Array<Promise<unknown>> = [];
  for (let i = 0; i < found.length; i += chunk) {
    // Chunks already sent are on their way; between two, requests waiting to be read get a turn.
    if (i > 0) await new Promise<void>((r) => setImmediate(r));
    const tx = app.redis.multi();
    const part = found.slice(i, i + chunk);
    for (const f of part) tx.set(viewKeys.facts(app, workspaceId, f.profileId), JSON.stringify({ s: segments.get(f.profileId) ?? [], t: f.traits, d: f.distinctIds } satisfies ViewFacts));
    const ids = part.flatMap((f) => f.distinctIds.map((id) => [id, f.profileId] as const));
    if (ids.length) tx.hset(idsKey, Object.fromEntries(ids));
    const written = tx.exec();
    // Handled at once: a chunk failing while a later one is prepared must not be an unhandled rejection.
    written.catch(() => undefined);
    writes.push(written);
  }
  await Promise.all(writes);
  return previous;
}

async function dropFacts(app: App, workspaceId: string, gone: string[]): Promise<void> {
  for (let i = 0; i < gone.length; i += chunk) await app.redis.del(...gone.slice(i, i + chunk).map((p) => viewKeys.facts(app, workspaceId, p)));
}

async function writeFacts(app: App, workspaceId: string, asked: string[]): Promise<void> {
  const found = await profileFacts(app, workspaceId, asked);
  const segments = await segmentsOfProfiles(app, workspaceId, found.map((f) => f.profileId));
  const fresh = new Set(found.map((f) => f.profileId));
  const orphaned = [...(await writeFound(app, workspaceId, found, segments))].filter((p) => !fresh.has(p));
  for (const p of asked) if (!fresh.has(p)) orphaned.push(p);
  await dropFacts(app, workspaceId, orphaned);
}

/**
 * The copies of every profile (or of those in `only`) written again from one pass over the
 * workspace's facts. A profile an id left (merged away since its copy was written) is met later in
 * the pass if it still exists; those not met after that are looked up once more at the end, which
 * drops the copies of the gone ones. Asked-for profiles the pass never met are gone: dropped.
 */
async function rewriteFacts(app: App, workspaceId: string, pageSize: number, only: ReadonlySet<string> | null): Promise<void> {
  const previous = new Set<string>();
  const unmet = new Set(only);
  for await (const all of workspaceProfileFacts(app, workspaceId, pageSize)) {
    const page = only ? all.filter((f) => only.has(f.profileId)) : all;
    if (page.length > 0) {
      const segments = await segmentsOfProfileRange(app, workspaceId, page[0]!.profileId, page.at(-1)!.profileId);
      for (const old of await writeFound(app, workspaceId, page, segments)) previous.add(old);
    }
    for (const f of all) {
      previous.delete(f.profileId);
      unmet.delete(f.profileId);
    }
  }
  await dropFacts(app, workspaceId, [...unmet]);
  const unsure = [...previous];
  for (let i = 0; i < unsure.length; i += lookupChunk) await writeFacts(app, workspaceId, unsure.slice(i, i + lookupChunk));
}

export interface RebuildSizes {
  /** Profiles per page of a pass over the workspace. */
  pageSize?: number;
  /** From how many changed profiles one pass over the workspace replaces look-ups by id. */
  passFrom?: number;
}

/**
 * Brings the view of these profiles (or of every profile of the workspace) up to date. Look-ups by id
 * each scan the identity map (ordered by distinct id), so many changed profiles (a new segment's
 * baseline, say) are rewritten from one pass over the workspace instead.
 */
export async function refreshFactsView(app: App, workspaceId: string, change: FactsChange, sizes: RebuildSizes = {}): Promise<void> {
  const pageSize = sizes.pageSize ?? rebuildPage;
  if ('recomputed' in change && change.recomputed && (await app.redis.exists(viewKeys.complete(app, workspaceId)))) {
    change = { profileIds: change.recomputed };
  }
  if ('profileIds' in change) {
    const ids = [...new Set(change.profileIds)];
    if (ids.length >= (sizes.passFrom ?? rebuildPage)) return rewriteFacts(app, workspaceId, pageSize, new Set(ids));
    for (let i = 0; i < ids.length; i += lookupChunk) await writeFacts(app, workspaceId, ids.slice(i, i + lookupChunk));
    return;
  }
  await rewriteFacts(app, workspaceId, pageSize, null);
  await rebuildStateView(app, workspaceId);
  await app.redis.set(viewKeys.complete(app, workspaceId), String(Date.now()), 'EX', completeForSeconds);
}

/** GDPR erasure: the profile's copy and every id of it that the ids hash holds. */
export async function eraseFactsView(app: App, workspaceId: string, profileId: string): Promise<void> {
  const idsKey = viewKeys.ids(app, workspaceId);
  const factsKey = viewKeys.facts(app, workspaceId, profileId);
  const copy = await app.redis.get(factsKey);
  const ids = new Set<string>(copy ? (JSON.parse(copy) as ViewFacts).d : []);
  // Ids linked after the copy was written are found by value: erasure is rare, a full pass is affordable.
  let cursor = '0';
  do {
    const [next, flat] = await app.redis.hscan(idsKey, cursor, 'COUNT', 1_000);
    for (let i = 0; i < flat.length; i += 2) if (flat[i + 1] === profileId) ids.add(flat[i]!);
    cursor = next;
  } while (cursor !== '0');
  const tx = app.redis.multi().del(factsKey);
  if (ids.size) tx.hdel(idsKey, ...ids);
  await tx.exec();
}
