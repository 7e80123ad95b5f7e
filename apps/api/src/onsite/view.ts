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
 * Everything decide needs about a visitor, from Redis only, in two round trips: which profile
 * their ids belong to, then that profile's facts and onsite state.
 *
 * An id the view does not hold is taken for a visitor nobody has linked yet, with the facts of an
 * anonymous first page view (no segments, no traits) and the profile id it will get (see
 * profileIdFor), whose state is still read: caps and dismissals recorded under that id count. A
 * profile whose facts copy is missing (written a moment later than its ids) is known, with no
 * segments or traits, until the copy arrives.
 */
export async function readVisitor(app: App, workspaceId: string, ids: { userId?: string | undefined; anonymousId?: string | undefined }, impressionsSince: number): Promise<{ identity: Identity; state: OnsiteState }> {
  const asked = [ids.userId, ids.anonymousId].filter((id): id is string => !!id);
  const linked = await app.redis.hmget(viewKeys.ids(app, workspaceId), ...asked);
  const profileId = linked.find((p) => p) ?? null;
  const id = profileId ?? profileIdFor(workspaceId, asked[0]!);
  const p = app.redis.pipeline();
  if (profileId) p.get(viewKeys.facts(app, workspaceId, profileId));
  readState(p, app, workspaceId, id, impressionsSince);
  const results = (await p.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
  const values = results.map(([, v]) => v);
  const copy = profileId ? (values.shift() as string | null) : null;
  const facts: ViewFacts | null = copy ? (JSON.parse(copy) as ViewFacts) : null;
  const [impressions, dismissals, queued] = values as [string[], Record<string, string>, Record<string, string>];
  return {
    identity: { profileId: id, known: profileId !== null, segments: new Set(facts?.s ?? []), traits: facts?.t ?? {} },
    state: parseState(impressions, dismissals, queued),
  };
}
