import type { App } from '../app-handle';
import type { Redis } from '../stores/redis';
import { profileIdFor } from '../profiles';
import type { ViewFacts } from './facts-index';
import { parseState, type OnsiteState } from './state-view';
import { stateKeysOf, viewKeys } from './view-keys';

export interface Identity {
  profileId: string;
  /** False for ids the view does not hold: the profile they will get is known, but nothing about it. */
  known: boolean;
  segments: ReadonlySet<string>;
  traits: Record<string, unknown>;
}

// One visitor in one command: the profile their ids are linked to (the first id that is), and the
// reads of the candidate profile that is it (or the first candidate when no id is linked). Answers
// just the linked profile id when it is none of the candidates.
// KEYS: the ids hash, then per candidate its facts, impressions, dismissals and queue keys.
// ARGV: impressions since, the number of distinct ids, the distinct ids, the candidates' profile ids.
const visitorScript = `
local n = tonumber(ARGV[2])
local linked = ''
for i = 1, n do
  local p = redis.call('HGET', KEYS[1], ARGV[2 + i])
  if p then linked = p break end
end
local pick = 0
if linked == '' then pick = 1 else
  for c = 1, (#KEYS - 1) / 4 do if ARGV[2 + n + c] == linked then pick = c break end end
end
if pick == 0 then return { linked } end
local k = 1 + (pick - 1) * 4
local facts = ''
if linked ~= '' then facts = redis.call('GET', KEYS[k + 1]) or '' end
return { linked, facts, redis.call('ZRANGEBYSCORE', KEYS[k + 2], ARGV[1], '+inf', 'WITHSCORES'), redis.call('HGETALL', KEYS[k + 3]), redis.call('HGETALL', KEYS[k + 4]) }`;

type VisitorReply = [string] | [string, string, string[], string[], string[]];
type WithVisitor = { onsiteVisitor(numKeys: number, ...args: Array<string | number>): Promise<VisitorReply> };
const readers = new WeakMap<Redis, Redis>();

/**
 * Decide's own connection, beside the app's: the reads of the page views that arrive in one tick of
 * the event loop leave in one write (auto-pipelining), which matters most when the server is busiest.
 * It closes with the app's connection.
 */
function readerOf(app: App): Redis {
  let reader = readers.get(app.redis);
  if (!reader) {
    const created = app.redis.duplicate({ enableAutoPipelining: true, enableOfflineQueue: true });
    created.on('error', () => undefined); // a failed read answers partial; /healthz reports Redis
    created.defineCommand('onsiteVisitor', { lua: visitorScript });
    app.redis.once('end', () => created.disconnect());
    readers.set(app.redis, (reader = created));
  }
  return reader;
}

function visitorCommand(app: App, workspaceId: string, distinctIds: string[], candidates: string[], since: number): Promise<VisitorReply> {
  const keys = [viewKeys.ids(app, workspaceId), ...candidates.flatMap((c) => [viewKeys.facts(app, workspaceId, c), ...stateKeysOf(app, workspaceId, c)])];
  return (readerOf(app) as unknown as WithVisitor).onsiteVisitor(keys.length, ...keys, since, distinctIds.length, ...distinctIds, ...candidates);
}

const pairs = (flat: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
};

/**
 * Everything decide needs about a visitor, from Redis only, in one command (a script over declared
 * keys) for most visitors: which profile their ids belong to, and that profile's facts and onsite
 * state, read from the profiles their ids would have been given (profileIdFor: a profile keeps the
 * id of the first id it was made for), one of which is theirs unless profiles were merged; when
 * none is, a second command reads the right one.
 *
 * An id the view does not hold is taken for a visitor nobody has linked yet, with the facts of an
 * anonymous first page view (no segments, no traits) and the profile id it will get, whose state is
 * still read: caps and dismissals recorded under that id count. A profile whose facts copy is missing
 * (written a moment later than its ids) is known, with no segments or traits, until the copy arrives.
 */
export async function readVisitor(app: App, workspaceId: string, ids: { userId?: string | undefined; anonymousId?: string | undefined }, impressionsSince: number): Promise<{ identity: Identity; state: OnsiteState }> {
  const asked = [ids.userId, ids.anonymousId].filter((id): id is string => !!id);
  let reply = await visitorCommand(app, workspaceId, asked, [...new Set(asked.map((id) => profileIdFor(workspaceId, id)))], impressionsSince);
  if (reply.length === 1) reply = await visitorCommand(app, workspaceId, asked, [reply[0]], impressionsSince);
  if (reply.length === 1) throw new Error('the visitor\'s profile changed while it was read');
  const [linked, copy, impressions, dismissals, queued] = reply;
  const facts: ViewFacts | null = linked && copy ? (JSON.parse(copy) as ViewFacts) : null;
  return {
    identity: { profileId: linked || profileIdFor(workspaceId, asked[0]!), known: linked !== '', segments: new Set(facts?.s ?? []), traits: facts?.t ?? {} },
    state: parseState(impressions, pairs(dismissals), pairs(queued)),
  };
}
