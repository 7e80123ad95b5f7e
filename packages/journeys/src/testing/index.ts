// In-memory fakes of every port of the engine, and `memoryEngine` that wires them: engine tests run
// in milliseconds, with no store, on an injected clock.
import { journeyDefinitionSchema, type ChannelName, type JourneyDefinitionInput } from '../definition';
import { enterJourney, type EntryCandidate, type PublishedJourney } from '../entry';
import { defaultSettings, type EngineDeps, type ProfileView, type RunRecord, type WorkspaceSettings } from '../ports';
import { reconcile } from '../reconciler';
import { ManualClock } from './clock';
import { MemoryGuardrails } from './guardrails';
import { MemoryChannel, MemoryRecorder, ScriptedWebhooks, type WebhookReply } from './outside';
import { MemoryProfiles } from './profiles';
import { MemoryRunStore } from './run-store';
import { MemoryStepScheduler } from './scheduler';

export { ManualClock } from './clock';
export { MemoryGuardrails } from './guardrails';
export { MemoryChannel, MemoryRecorder, ScriptedWebhooks, type WebhookReply } from './outside';
export { MemoryProfiles } from './profiles';
export { MemoryRunStore } from './run-store';
export { MemoryStepScheduler } from './scheduler';

export interface MemoryEngineOptions {
  /** Start of the clock (default 2026-01-15T12:00:00Z, a Thursday). */
  now?: string | number;
  /** Workspace settings; quiet hours are off unless given. */
  settings?: Partial<WorkspaceSettings>;
  webhookReplies?: WebhookReply[];
  retryBackoffMs?: number;
}

/** Email reaches profiles with an `email` trait, web push those with a `push` trait, onsite everyone. */
const reach: Record<ChannelName, (p: ProfileView) => true | string> = {
  email: (p) => (typeof p.traits.email === 'string' ? true : 'no_email'),
  web_push: (p) => (p.traits.push ? true : 'no_subscription'),
  onsite: () => true,
};

export function memoryEngine(options: MemoryEngineOptions = {}) {
  const workspaceId = 'ws-test';
  const clock = new ManualClock(typeof options.now === 'number' ? options.now : Date.parse(options.now ?? '2026-01-15T12:00:00Z'));
  const recorder = new MemoryRecorder();
  // Actions' audit rows land beside the recorder's own, as both land in one audit log.
  const store = new MemoryRunStore((row) => recorder.audits.push(row));
  const profiles = new MemoryProfiles();
  const guardrails = new MemoryGuardrails({ ...defaultSettings, quietHours: null, ...options.settings });
  const webhooks = new ScriptedWebhooks(options.webhookReplies ?? []);
  const scheduler = new MemoryStepScheduler(clock, { retryBackoffMs: options.retryBackoffMs ?? 1_000 });
  const channel = (name: ChannelName) => new MemoryChannel(name, { reachable: reach[name], onSent: (m) => guardrails.recordSent(m.workspaceId, m.profile.id, name, clock.now()) });
  const channels = { email: channel('email'), web_push: channel('web_push'), onsite: channel('onsite') };
  const deps: EngineDeps = { clock, runs: store, profiles, guardrails, channels, ledger: store, recorder, traits: profiles, webhooks };
  let journeys = 0;

  return {
    workspaceId,
    clock,
    store,
    profiles,
    guardrails,
    recorder,
    webhooks,
    scheduler,
    channels,
    deps,
    /** Validates and publishes a definition as a new journey. */
    publish(definition: JourneyDefinitionInput): PublishedJourney {
      const journey = { id: `journey-${++journeys}`, workspaceId, version: 1, definition: journeyDefinitionSchema.parse(definition) };
      store.publish(journey);
      return journey;
    },
    profile(id: string, traits: Record<string, unknown> = {}, extra: Partial<ProfileView> = {}): ProfileView {
      return profiles.add(workspaceId, { id, traits, ...extra });
    },
    /** Enters profiles (ids or candidates) and runs every step due now. */
    async enter(journey: PublishedJourney, who: Array<string | EntryCandidate>): Promise<RunRecord[]> {
      const runs = await enterJourney(deps, store, scheduler, journey, who.map((w) => (typeof w === 'string' ? { profileId: w } : w)));
      await scheduler.runDue(deps);
      return runs;
    },
    /** Moves the clock on, then runs what became due. */
    async advance(ms: number): Promise<void> {
      clock.advance(ms);
      await scheduler.runDue(deps);
    },
    runDue: () => scheduler.runDue(deps),
    reconcile: (graceMs = 0) => reconcile(store, scheduler, clock.now(), { graceMs }),
    run: (id: string) => store.runs.get(id),
    runOf(journey: PublishedJourney, profileId: string): RunRecord | undefined {
      return [...store.runs.values()].find((r) => r.journeyId === journey.id && r.profileId === profileId);
    },
    /** Every message sent, on any channel, as `profile:channel:template`. */
    sent(): string[] {
      return Object.values(channels).flatMap((c) => c.sent.map((m) => `${m.profile.id}:${m.channel}:${m.template}`));
    },
  };
}

export type MemoryEngine = ReturnType<typeof memoryEngine>;
