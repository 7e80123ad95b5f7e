import type { ChannelName, FrequencyCap, NodeOf } from './definition';
import type { Channel, Engagement, Guardrails, ProfileView, WorkspaceSettings } from './ports';
import { nextLocalTime, zonedParts } from './time';

export interface ChannelCheck {
  channel: ChannelName;
  ok: boolean;
  /** Why the channel was left out: unreachable:<why>, consent, suppressed, cap:<channel>:<max>/<hours>h, no_sender. */
  reason: string | null;
}

/** The caps that apply: a journey override replaces the workspace default for the same channel. */
export function effectiveCaps(workspace: FrequencyCap[], journey: FrequencyCap[] | undefined): FrequencyCap[] {
  if (!journey?.length) return workspace;
  const overridden = new Set(journey.map((c) => c.channel));
  return [...workspace.filter((c) => !overridden.has(c.channel)), ...journey];
}

export async function checkChannel(
  g: Guardrails,
  channels: Partial<Record<ChannelName, Channel>>,
  input: { workspaceId: string; profile: ProfileView; channel: ChannelName; group: string | undefined; caps: FrequencyCap[]; now: number },
): Promise<ChannelCheck> {
  const { workspaceId, profile, channel, now } = input;
  const sender = channels[channel];
  if (!sender) return { channel, ok: false, reason: 'no_sender' };
  const reach = sender.reachable(profile);
  if (reach !== true) return { channel, ok: false, reason: `unreachable:${reach}` };
  const blocked = await g.blocker(workspaceId, profile, channel, input.group);
  if (blocked) return { channel, ok: false, reason: blocked };
  for (const cap of input.caps) {
    if (cap.channel !== channel && cap.channel !== 'all') continue;
    const sent = await g.sentSince(workspaceId, profile.id, cap.channel, now - cap.periodHours * 3_600_000);
    if (sent >= cap.max) return { channel, ok: false, reason: `cap:${cap.channel}:${cap.max}/${cap.periodHours}h` };
  }
  return { channel, ok: true, reason: null };
}

export interface ChannelChoice {
  channel: ChannelName | null;
  /** How it was chosen: requested, fallback, engagement, workspace_order; or skipped. */
  rule: string;
  checks: ChannelCheck[];
  ratios?: Partial<Record<ChannelName, number>>;
}

/** Enough history to trust engagement ratios: ≥ 3 messages across ≥ 2 channels. */
export function engagementRatios(e: Engagement): Partial<Record<ChannelName, number>> | null {
  const entries = Object.entries(e.perChannel).filter(([, v]) => v && v.received > 0) as Array<[ChannelName, { received: number; engaged: number }]>;
  const total = entries.reduce((s, [, v]) => s + v.received, 0);
  if (total < 3 || entries.length < 2) return null;
  return Object.fromEntries(entries.map(([c, v]) => [c, v.engaged / v.received]));
}

export async function chooseChannel(
  node: NodeOf<'message'>,
  deps: { guardrails: Guardrails; channels: Partial<Record<ChannelName, Channel>> },
  input: { workspaceId: string; profile: ProfileView; settings: WorkspaceSettings; caps: FrequencyCap[]; now: number },
): Promise<ChannelChoice> {
  const order = input.settings.channelOrder;
  const check = (channel: ChannelName) =>
    checkChannel(deps.guardrails, deps.channels, { ...input, channel, group: node.subscriptionGroup });
  if (node.channel !== 'best') {
    const checks = [await check(node.channel)];
    if (checks[0]!.ok) return { channel: node.channel, rule: 'requested', checks };
    if (node.fallback) {
      for (const c of order.filter((c) => c !== node.channel)) {
        const r = await check(c);
        checks.push(r);
        if (r.ok) return { channel: c, rule: 'fallback', checks };
      }
    }
    return { channel: null, rule: 'skipped', checks };
  }
  const checks: ChannelCheck[] = [];
  for (const c of order) checks.push(await check(c));
  const allowed = checks.filter((c) => c.ok).map((c) => c.channel);
  if (!allowed.length) return { channel: null, rule: 'skipped', checks };
  const ratios = engagementRatios(await deps.guardrails.engagement(input.workspaceId, input.profile.id));
  if (ratios) {
    // Highest ratio wins; ties keep the workspace order.
    const best = allowed.reduce((a, b) => ((ratios[b] ?? 0) > (ratios[a] ?? 0) ? b : a));
    return { channel: best, rule: 'engagement', checks, ratios };
  }
  return { channel: allowed[0]!, rule: 'workspace_order', checks };
}

export interface TimeChoice {
  at: number;
  hour: number;
  rule: 'profile_histogram' | 'workspace_best_hour';
  samples: number;
}

/** Enough engagement samples to trust a profile's own hour histogram. */
export const minTimeSamples = 5;

/** The best local hour within the next `withinHours`, from the profile's engagement times or the workspace's best hour. */
export function chooseSendTime(now: number, timeZone: string, engagementTimes: number[], withinHours: number, workspaceBestHour: number): TimeChoice {
  const histogram = new Array<number>(24).fill(0);
  for (const t of engagementTimes) histogram[zonedParts(t, timeZone).hour]! += 1;
  const enough = engagementTimes.length >= minTimeSamples;
  const end = now + withinHours * 3_600_000;
  const candidates: Array<{ hour: number; at: number }> = [];
  for (let hour = 0; hour < 24; hour++) {
    const at = zonedParts(now, timeZone).hour === hour ? now : nextLocalTime(now, timeZone, hour, 0);
    if (at <= end) candidates.push({ hour, at });
  }
  const score = (h: number) => (enough ? histogram[h]! : h === workspaceBestHour ? 1 : 0);
  let best: { hour: number; at: number } | null = null;
  for (const c of candidates) {
    const s = score(c.hour);
    if (s > 0 && (!best || s > score(best.hour) || (s === score(best.hour) && c.at < best.at))) best = c;
  }
  best ??= { hour: zonedParts(now, timeZone).hour, at: now };
  return { at: best.at, hour: best.hour, rule: enough ? 'profile_histogram' : 'workspace_best_hour', samples: engagementTimes.length };
}
