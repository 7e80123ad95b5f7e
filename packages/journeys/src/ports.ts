// What the engine needs from the outside world. The API implements these over its stores;
// tests and benches may implement them over whatever real store they run on.
import type { ChannelName, FrequencyCap, JourneyDefinition } from './definition';
import type { QuietHours } from './time';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface ProfileView {
  id: string;
  traits: Record<string, unknown>;
  features?: Record<string, unknown>;
  segments?: string[];
  timezone?: string | null;
}

export interface ProfileSource {
  getProfile(workspaceId: string, profileId: string): Promise<ProfileView | null>;
  isInSegment(workspaceId: string, segmentId: string, profileId: string): Promise<boolean>;
  hasPerformed(workspaceId: string, profileId: string, event: string, sinceMs: number): Promise<boolean>;
}

/** The event that started a run (what a template's `event` refers to, e.g. the delayed order). */
export interface RunEvent {
  name: string;
  properties: Record<string, unknown>;
  timestamp?: string;
  messageId?: string;
}

export interface OutgoingMessage {
  /** The same for every attempt of one (run, node): channels dedupe on it. */
  idempotencyKey: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
  runId: string;
  profile: ProfileView;
  channel: ChannelName;
  template: string;
  /** The run's trigger event, when an event started it. */
  event?: RunEvent;
  /** The template variant the profile gets (see MessageVariants), when the template has variants. */
  variant?: string;
}

export interface SendOutcome {
  status: 'sent' | 'failed';
  providerId?: string;
  error?: string;
}

export interface Channel {
  name: ChannelName;
  /** Whether `send` with the same idempotency key twice delivers once (then a crash after claiming may retry). */
  idempotent: boolean;
  /** true, or why the profile cannot be reached on this channel (no email address, no push subscription...). */
  reachable(profile: ProfileView): true | string;
  send(message: OutgoingMessage): Promise<SendOutcome>;
}

export interface WorkspaceSettings {
  /** Preferred order of channels for `best` without enough history and for fallbacks. */
  channelOrder: ChannelName[];
  caps: FrequencyCap[];
  quietHours: QuietHours | null;
  /** Local hour most of the workspace engages, used for best time with too little history. */
  bestHour: number;
  defaultTimezone: string;
  /** Share of profiles (0–20 %) kept from every marketing message, to measure what the program adds. */
  globalControlPercent: number;
}

export const defaultSettings: WorkspaceSettings = {
  channelOrder: ['email', 'web_push', 'onsite'],
  caps: [],
  quietHours: { start: 21, end: 8 },
  bestHour: 10,
  defaultTimezone: 'UTC',
  globalControlPercent: 0,
};

export interface Engagement {
  /** Messages received and opened or clicked over the last 180 days, per channel. */
  perChannel: Partial<Record<ChannelName, { received: number; engaged: number }>>;
  /** Opens, clicks and sessions per UTC hour-of-day instant, as epoch ms samples bucketed by the caller. */
  engagementTimes: number[];
}

export interface Guardrails {
  settings(workspaceId: string): Promise<WorkspaceSettings>;
  /**
   * Why the profile may not get this channel, or null: `consent` (opted out of the channel),
   * `consent:<group>` (out of the node's subscription group), `suppressed` (suppression list).
   * No answer on record means consent is granted.
   */
  blocker(workspaceId: string, profile: ProfileView, channel: ChannelName, group: string | undefined): Promise<string | null>;
  /** Messages sent to the profile since `sinceMs`, on one channel or on all. */
  sentSince(workspaceId: string, profileId: string, channel: ChannelName | 'all', sinceMs: number): Promise<number>;
  engagement(workspaceId: string, profileId: string): Promise<Engagement>;
}

export type ActionClaim = { state: 'claimed' } | { state: 'done'; outcome: unknown } | { state: 'in_doubt' };

/** Exactly-once per (run, node): claimed before the side effect, completed after. */
export interface ActionLedger {
  /** `in_doubt`: an earlier attempt claimed and never completed (it crashed mid-way). */
  claim(run: RunRecord, nodeId: string, channel: ChannelName | null): Promise<ActionClaim>;
  /** Records the outcome, and the action's audit row with it (one write, so neither exists without the other). */
  complete(run: RunRecord, nodeId: string, outcome: unknown, audit: AuditRow | null): Promise<void>;
}

export interface AuditRow {
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
  runId: string;
  profileId: string;
  action: string;
  rule: string | null;
  decision: Record<string, unknown>;
  outcome: Record<string, unknown>;
}

export interface StepEvent {
  workspaceId: string;
  journeyId: string;
  version: number;
  nodeId: string;
  runId: string;
  profileId: string;
  /** The run's step the event happened in (absent outside a step): with the run, node and kind, its identity. */
  step?: number;
  /**
   * `exposed`: an experiment assigned the profile (reason: the variant). A split's experiment unless
   * `experiment` names another (the global control group, at a marketing message).
   */
  kind: 'entered' | 'completed' | 'skipped' | 'deferred' | 'sent' | 'converted' | 'exited' | 'holdout' | 'exposed';
  reason: string;
  channel: string;
  revenue: number;
  at: number;
  experiment?: string;
}

export interface Recorder {
  audit(row: AuditRow): Promise<void>;
  /**
   * Counters of what happened outside a step (a wait ended by its event, a conversion). A recorder
   * that keeps them durably keys them by (run, step, node, kind) to count each once.
   */
  events(rows: StepEvent[]): void | Promise<void>;
  /**
   * A step's events once the run store has kept them with the step's transition (see RunStore.advance):
   * whatever else the recorder makes of them (the profile timeline). Not awaited.
   */
  stepped(rows: StepEvent[]): void;
}

export type RunStatus = 'active' | 'waiting' | 'waiting_event' | 'holdout' | 'completed' | 'exited' | 'converted';

export interface RunRecord {
  id: string;
  workspaceId: string;
  journeyId: string;
  version: number;
  profileId: string;
  nodeId: string | null;
  /** Bumped on every transition; a job carries the step it was made for, so stale jobs are ignored. */
  step: number;
  status: RunStatus;
  wakeAt: number | null;
  context: RunContext;
}

export interface RunContext {
  /** A message node whose best-time or quiet-hours deferral already happened. */
  deferred?: string;
  /** The wait node a waiting run sits in (its node_id already points past it). */
  waitingAt?: string;
  /** Event a wait_for_event node waits for. */
  waitingFor?: string;
  split?: string;
  lastMessage?: { nodeId: string; channel: string; at: number };
  /** The event the profile entered on, kept for the run's messages and webhooks. */
  trigger?: RunEvent;
}

export interface Transition {
  nodeId: string | null;
  status: RunStatus;
  wakeAt: number | null;
  context: RunContext;
}

export interface RunStore {
  load(runId: string): Promise<RunRecord | null>;
  /**
   * Compare-and-set on `step`: false when another worker got there first. The step's events (metrics)
   * are kept in the same write, so they count once however often a step is repeated after a crash,
   * and not at all for a step that lost the race.
   */
  advance(run: RunRecord, to: Transition, events?: StepEvent[]): Promise<boolean>;
  definition(journeyId: string, version: number): Promise<JourneyDefinition | null>;
  /** Whether the journey still runs (archived journeys end their runs at the next step). */
  journeyStatus(journeyId: string): Promise<string | null>;
}

export interface TraitWriter {
  setTrait(workspaceId: string, profileId: string, trait: string, value: unknown): Promise<void>;
}

export interface WebhookCaller {
  /**
   * Signed POSTs: `retries` more attempts after the first (the engine passes 0 and retries through
   * its step job's attempts and backoff). Rejects on a network error or timeout, or with a
   * PermanentWebhookError when retrying cannot help.
   */
  call(request: { workspaceId: string; url: string; body: unknown; timeoutMs: number; retries: number; idempotencyKey: string }): Promise<{ status: number; attempts: number }>;
}

/** A webhook call refused before it was made (a host off the allow-list): the engine does not retry it. */
export class PermanentWebhookError extends Error {}

/** Thrown by a step that must run again later: its job fails this attempt and the queue retries it with backoff. */
export class RetryStepError extends Error {}

/** One step of one run to execute at or after `wakeAt` (null: at once). */
export interface Scheduled {
  runId: string;
  step: number;
  wakeAt: number | null;
  /** Attempts of this step's job, retried with exponential backoff (a webhook's retries); the scheduler's default when absent. */
  attempts?: number;
}

/** Deterministic: a step is scheduled at most once however often it is re-scheduled. */
export function stepJobId(runId: string, step: number): string {
  return `${runId}.${step}`;
}

/**
 * Where a step's job is: `missing` (never scheduled, or lost), `waiting` (due, not yet taken), `active`,
 * `delayed` (until its wake time), `backoff` (delayed after a failed attempt, before the next one),
 * `failed` (out of attempts) or `completed`.
 */
export type StepJobState = 'missing' | 'waiting' | 'active' | 'delayed' | 'backoff' | 'failed' | 'completed';

/**
 * Runs each step of a run later, once, by its deterministic id (`stepJobId`): scheduling a step that
 * already has a job does nothing. A job whose step throws RetryStepError is attempted again after a
 * backoff while it has attempts left. The engine's clock decides when a step is due; a scheduler may
 * run a step early (the engine leaves it for later) but must not lose it.
 */
export interface StepScheduler {
  schedule(items: Scheduled[]): Promise<void>;
  state(runId: string, step: number): Promise<StepJobState>;
  /** Makes a delayed step due now (its wake time has come by the engine's clock). */
  promote(runId: string, step: number): Promise<void>;
  /** Attempts a failed step again. */
  retry(runId: string, step: number): Promise<void>;
  /** Forgets the step's job (whatever its state), so that the step can be scheduled again. */
  cancel(runId: string, step: number): Promise<void>;
}

/**
 * Decisions taken on a split's experiment (by its key, see `splitExperimentKey`): a picked winner
 * takes every profile that reaches the split from then on, unexposed. Absent: splits assign by hash.
 */
export interface SplitDecisions {
  winner(workspaceId: string, experimentKey: string): Promise<string | null>;
}

/** The variant of a template a profile gets, as far as the engine cares: its key and how much later it goes out. */
export interface MessageVariant {
  key: string;
  /** Minutes after the node's own send time (its best time, or now). */
  sendOffsetMinutes: number;
}

/**
 * Templates run as experiments (2–5 variants): the variant a profile gets, deterministic per
 * (template, profile), or null for a template without variants. Absent: messages have no variants.
 */
export interface MessageVariants {
  variant(workspaceId: string, template: string, profileId: string): Promise<MessageVariant | null>;
}

export interface EngineDeps {
  clock: Clock;
  runs: RunStore;
  profiles: ProfileSource;
  guardrails: Guardrails;
  channels: Partial<Record<ChannelName, Channel>>;
  ledger: ActionLedger;
  recorder: Recorder;
  traits?: TraitWriter;
  webhooks?: WebhookCaller;
  splits?: SplitDecisions;
  variants?: MessageVariants;
  /** Told how many nodes each step that moved a run executed, wherever the step ran (queue or entry). */
  onNodes?: (nodes: number) => void;
}
