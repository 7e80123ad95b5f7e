import type { ChainableCommander } from 'ioredis';
import type { App } from '../app';
import { profileIdFor } from '../profiles';
import type { ViewFacts } from './facts-index';
import { parseState, readState, type OnsiteState } from './state-view';
import { viewKeys } from './view-keys';

export interface Identity {
  profileId: string;
  /** False for ids the view does not hold: the profile they will get is known, but nothing about it. */
  known: boolean;
  segments: ReadonlySet<string>;
  traits: Record<string, unknown>;
}

/**
 * Everything decide needs about a visitor, from Redis only, in one round trip for most visitors:
 * which profile their ids belong to, read together with the facts and onsite state of the profiles
 * their ids would have been given (profileIdFor: a profile keeps the id of the first id it was made
 * for), one of which is theirs unless profiles were merged; when none is, a second round trip reads
 * the right one.
 *
 * An id the view does not hold is taken for a visitor nobody has linked yet, with the facts of an
 * anonymous first page view (no segments, no traits) and the profile id it will get, whose state is
 * still read: caps and dismissals recorded under that id count. A profile whose facts copy is missing
 * (written a moment later than its ids) is known, with no segments or traits, until the copy arrives.
 */
export async function readVisitor(app: App, workspaceId: string, ids: { userId?: string | undefined; anonymousId?: string | undefined }, impressionsSince: number): Promise<{ identity: Identity; state: OnsiteState }> {
  const asked = [ids.userId, ids.anonymousId].filter((id): id is string => !!id);
  const guesses = [...new Set(asked.map((id) => profileIdFor(workspaceId, id)))];
  const p = app.redis.pipeline().hmget(viewKeys.ids(app, workspaceId), ...asked);
  for (const g of guesses) profileReads(p, app, workspaceId, g, impressionsSince);
  const [linked, ...read] = await run(p);
  const profileId = (linked as Array<string | null>).find((id) => id) ?? null;
  const id = profileId ?? guesses[0]!;
  const at = guesses.indexOf(id);
  const mine = at >= 0 ? read.slice(at * 4, at * 4 + 4) : await run(profileReads(app.redis.pipeline(), app, workspaceId, id, impressionsSince));
  const [copy, impressions, dismissals, queued] = mine as [string | null, string[], Record<string, string>, Record<string, string>];
  const facts: ViewFacts | null = profileId && copy ? (JSON.parse(copy) as ViewFacts) : null;
  return {
    identity: { profileId: id, known: profileId !== null, segments: new Set(facts?.s ?? []), traits: facts?.t ?? {} },
    state: parseState(impressions, dismissals, queued),
  };
}

/** Adds the four reads of one profile (facts copy, impressions, dismissals, queue) to a pipeline. */
function profileReads(p: ChainableCommander, app: App, workspaceId: string, profileId: string, impressionsSince: number): ChainableCommander {
  return readState(p.get(viewKeys.facts(app, workspaceId, profileId)), app, workspaceId, profileId, impressionsSince);
}

async function run(p: ChainableCommander): Promise<unknown[]> {
  const results = (await p.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  return results.map(([, v]) => v);
}
