import type { Condition, JourneyDefinition, JourneyNode, NodeOf } from './definition';
import { nodeById } from './definition';
import { PermanentWebhookError, RetryStepError, type AuditRow, type EngineDeps, type ProfileView, type RunContext, type RunRecord, type StepEvent, type Transition } from './ports';
import { matchesFilter } from './filters';
import { experimentHash, globalControlKey, inGlobalControl, splitExperimentKey, variantForHash } from './hash';
import { chooseChannel, chooseSendTime, effectiveCaps } from './choice';
import { inQuietHours, nextLocalTime, quietHoursEnd, safeTimeZone } from './time';

/** What one node decided. */
type Outcome =
  | { kind: 'go'; next: string | null }
  | { kind: 'wait'; next: string | null; until: number; context?: Partial<RunContext>; attempts?: number }
  | { kind: 'wait_event'; until: number; event: string }
  | { kind: 'holdout'; until: number }
  | { kind: 'exit'; reason: string };

export interface StepResult {
  transition: Transition;
  /** What the step did, stored with its transition. */
  events: StepEvent[];
  /** Nodes executed in this step (the bench counts them). */
  nodes: number;
  /** Attempts the next step's job gets (a webhook's retries); the queue's default when absent. */
  nextAttempts?: number;
}

/** Which attempt of its job a step is: a webhook retries through them. */
export interface StepAttempt {
  /** Attempts made before this one. */
  made: number;
  max: number;
}

const retryableStatus = (status: number) => status === 429 || status >= 500;

/** Safety net against a definition that slipped past validation. */
const maxNodesPerStep = 100;

/** Lazily loaded per step: most nodes never need the profile. */
class ProfileCache {
  private value: ProfileView | null | undefined;
  constructor(
    private deps: EngineDeps,
    private run: RunRecord,
  ) {}
  async get(): Promise<ProfileView> {
    if (this.value === undefined) this.value = await this.deps.profiles.getProfile(this.run.workspaceId, this.run.profileId);
    return this.value ?? { id: this.run.profileId, traits: {} };
  }
}

export async function evaluateCondition(deps: EngineDeps, workspaceId: string, profile: ProfileView, c: Condition, now: number): Promise<boolean> {
  switch (c.kind) {
    case 'segment': {
      const member = profile.segments ? profile.segments.includes(c.segmentId) : await deps.profiles.isInSegment(workspaceId, c.segmentId, profile.id);
      return member === c.in;
    }
    case 'trait':
      return matchesFilter(profile.traits, c.filter);
    case 'feature':
      return matchesFilter(profile.features ?? {}, c.filter);
    case 'event_performed':
      return (await deps.profiles.hasPerformed(workspaceId, profile.id, c.event, now - c.withinDays * 86_400_000)) === c.performed;
  }
}

export async function evaluateAll(deps: EngineDeps, workspaceId: string, profile: ProfileView, conditions: Condition[], now: number): Promise<boolean> {
  for (const c of conditions) if (!(await evaluateCondition(deps, workspaceId, profile, c, now))) return false;
  return true;
}

export class StepRunner {
  private events: StepEvent[] = [];
  private readonly profile: ProfileCache;
  private context: RunContext;

  private nextAttempts: number | undefined;

  constructor(
    private readonly deps: EngineDeps,
    private readonly run: RunRecord,
    private readonly def: JourneyDefinition,
    private readonly attempt: StepAttempt = { made: 0, max: 1 },
  ) {
    this.profile = new ProfileCache(deps, run);
    this.context = { ...run.context };
  }

  private event(nodeId: string, kind: StepEvent['kind'], reason = '', channel = '', experiment?: string) {
    const r = this.run;
    this.events.push({ workspaceId: r.workspaceId, journeyId: r.journeyId, version: r.version, nodeId, runId: r.id, profileId: r.profileId, step: r.step, kind, reason, channel, revenue: 0, at: this.deps.clock.now(), ...(experiment ? { experiment } : {}) });
  }

  private auditRow(nodeId: string, action: string, rule: string | null, decision: Record<string, unknown>, outcome: Record<string, unknown>): AuditRow {
    const r = this.run;
    return { workspaceId: r.workspaceId, journeyId: r.journeyId, version: r.version, nodeId, runId: r.id, profileId: r.profileId, action, rule, decision, outcome };
  }

  private async audit(nodeId: string, action: string, rule: string | null, decision: Record<string, unknown>, outcome: Record<string, unknown>) {
    await this.deps.recorder.audit(this.auditRow(nodeId, action, rule, decision, outcome));
  }

  /** Runs nodes from the run's current node until one waits or the journey ends. */
  async execute(): Promise<StepResult> {
    const run = this.run;
    let nodeId = run.nodeId;
    let nodes = 0;
    // A run that wakes from a timed wait resumes where it was told to.
    delete this.context.waitingAt;
    if (run.status === 'waiting_event' && nodeId) {
      const node = nodeById(this.def, nodeId);
      delete this.context.waitingFor;
      this.event(nodeId, 'completed', 'timeout');
      nodeId = node?.type === 'wait_for_event' ? node.onTimeout : null;
    } else if (run.status === 'holdout') {
      return this.finish({ nodeId: null, status: 'exited', wakeAt: null, context: this.context }, nodes, 'holdout_window_end');
    }
    while (nodeId !== null) {
      if (++nodes > maxNodesPerStep) return this.finish({ nodeId: null, status: 'exited', wakeAt: null, context: this.context }, nodes, 'too_many_nodes');
      const node = nodeById(this.def, nodeId);
      if (!node) return this.finish({ nodeId: null, status: 'exited', wakeAt: null, context: this.context }, nodes, `missing_node:${nodeId}`);
      if (this.context.deferred !== node.id) this.event(node.id, 'entered');
      const out = await this.node(node);
      switch (out.kind) {
        case 'go':
          this.event(node.id, 'completed');
          nodeId = out.next;
          continue;
        case 'wait':
          Object.assign(this.context, out.context ?? {}, { waitingAt: node.id });
          if (out.next !== node.id) this.event(node.id, 'completed');
          this.nextAttempts = out.attempts;
          return this.finish({ nodeId: out.next, status: 'waiting', wakeAt: out.until, context: this.context }, nodes);
        case 'wait_event':
          this.context.waitingFor = out.event;
          return this.finish({ nodeId: node.id, status: 'waiting_event', wakeAt: out.until, context: this.context }, nodes);
        case 'holdout':
          this.event(node.id, 'holdout', 'holdout');
          return this.finish({ nodeId: null, status: 'holdout', wakeAt: out.until, context: this.context }, nodes);
        case 'exit':
          this.event(node.id, 'exited', out.reason);
          return this.finish({ nodeId: null, status: 'exited', wakeAt: null, context: this.context }, nodes, out.reason);
      }
    }
    return this.finish({ nodeId: null, status: 'completed', wakeAt: null, context: this.context }, nodes);
  }

  private finish(transition: Transition, nodes: number, reason?: string): StepResult {
    if (reason && transition.status === 'exited' && !this.events.some((e) => e.kind === 'exited')) this.event(this.run.nodeId ?? '', 'exited', reason);
    const events = this.events;
    this.events = [];
    return { transition, events, nodes, ...(this.nextAttempts ? { nextAttempts: this.nextAttempts } : {}) };
  }

  private async node(node: JourneyNode): Promise<Outcome> {
    const now = this.deps.clock.now();
    switch (node.type) {
      case 'wait':
        return { kind: 'wait', next: node.next, until: now + node.seconds * 1000 };
      case 'wait_until': {
        const tz = await this.timeZone();
        return { kind: 'wait', next: node.next, until: nextLocalTime(now, tz, node.hour, node.minute, node.weekdays) };
      }
      case 'wait_for_event':
        return { kind: 'wait_event', until: now + node.timeoutSeconds * 1000, event: node.event };
      case 'condition': {
        const profile = await this.profile.get();
        for (const b of node.branches) {
          if (await evaluateAll(this.deps, this.run.workspaceId, profile, b.when, now)) return { kind: 'go', next: b.next };
        }
        return { kind: 'go', next: node.otherwise };
      }
      case 'split':
        return await this.split(node);
      case 'message':
        return this.message(node, now);
      case 'update_trait':
        return this.updateTrait(node);
      case 'webhook':
        return this.webhook(node);
      case 'exit':
        return { kind: 'exit', reason: 'exit_node' };
    }
  }

  private async timeZone(): Promise<string> {
    const settings = await this.deps.guardrails.settings(this.run.workspaceId);
    const p = await this.profile.get();
    return safeTimeZone(p.timezone ?? (typeof p.traits.timezone === 'string' ? p.traits.timezone : null), settings.defaultTimezone);
  }

  private async split(node: NodeOf<'split'>): Promise<Outcome> {
    const key = splitExperimentKey(this.run.journeyId, node.id);
    // A picked winner routes everyone: the experiment is decided, so nobody is exposed any more.
    const winner = (await this.deps.splits?.winner(this.run.workspaceId, key)) ?? null;
    const toHoldout = (): Outcome => {
      this.context.split = `${node.id}:holdout`;
      const hours = this.def.goal?.attributionWindowHours ?? 0;
      return { kind: 'holdout', until: this.deps.clock.now() + hours * 3_600_000 };
    };
    if (winner === 'holdout' && node.holdoutPercent > 0) return toHoldout();
    const decided = node.branches.find((b) => b.name === winner);
    if (decided) {
      this.context.split = `${node.id}:${decided.name}`;
      return { kind: 'go', next: decided.next };
    }
    // Deterministic: the same profile and split always fall in the same bucket, retries included.
    // The hash is the experiments' one (GrowthBook v2, seeded by the split's experiment key).
    const u = experimentHash(key, this.run.profileId);
    const holdout = node.holdoutPercent / 100;
    if (u < holdout) {
      this.event(node.id, 'exposed', 'holdout');
      return toHoldout();
    }
    const branch = node.branches[variantForHash((u - holdout) / (1 - holdout), node.branches.map((b) => b.weight))]!;
    this.context.split = `${node.id}:${branch.name}`;
    this.event(node.id, 'exposed', branch.name);
    return { kind: 'go', next: branch.next };
  }

  private async message(node: NodeOf<'message'>, now: number): Promise<Outcome> {
    const { workspaceId } = this.run;
    const settings = await this.deps.guardrails.settings(workspaceId);
    // The global control group gets no marketing message (a service message the customer waits for still goes).
    // Both groups are exposed at their first marketing message, so the program's lift is measured
    // between people who reached the same point.
    const controlled = !node.ignoreQuietHours && settings.globalControlPercent > 0;
    const inControl = controlled && inGlobalControl(workspaceId, this.run.profileId, settings.globalControlPercent);
    if (controlled) this.event(node.id, 'exposed', inControl ? 'control' : 'treatment', '', globalControlKey(workspaceId));
    if (inControl) {
      this.event(node.id, 'skipped', 'global_control', node.channel);
      await this.audit(node.id, 'message.skipped', 'global_control', { requested: node.channel, percent: settings.globalControlPercent }, { status: 'skipped' });
      delete this.context.deferred;
      return { kind: 'go', next: node.next };
    }
    const profile = await this.profile.get();
    const caps = effectiveCaps(settings.caps, this.def.caps);
    const choice = await chooseChannel(node, this.deps, { workspaceId, profile, settings, caps, now });
    const skips = choice.checks.filter((c) => !c.ok).map((c) => `${c.channel}:${c.reason}`);
    if (!choice.channel) {
      this.event(node.id, 'skipped', choice.checks.map((c) => c.reason).join(',') || 'no_channel', node.channel);
      await this.audit(node.id, 'message.skipped', choice.checks[0]?.reason ?? 'no_channel', { requested: node.channel, checks: choice.checks }, { status: 'skipped' });
      delete this.context.deferred;
      return { kind: 'go', next: node.next };
    }
    const tz = await this.timeZone();
    // Deterministic per (template, profile), so asking again after a deferral gives the same variant.
    const variant = (await this.deps.variants?.variant(workspaceId, node.template, profile.id)) ?? null;
    let timing: Record<string, unknown> = { mode: 'now' };
    if (this.context.deferred !== node.id) {
      let bestAt = now;
      if (node.sendAt.mode === 'best_time') {
        const engagement = await this.deps.guardrails.engagement(workspaceId, profile.id);
        const t = chooseSendTime(now, tz, engagement.engagementTimes, node.sendAt.withinHours, settings.bestHour);
        if (t.at > now + 60_000) bestAt = t.at;
        timing = { mode: 'best_time', rule: t.rule, hour: t.hour, samples: t.samples };
      }
      // A variant sent later waits its offset after the node's own send time (once: the deferral marks the node).
      const offset = (variant?.sendOffsetMinutes ?? 0) * 60_000;
      if (bestAt > now || offset > 0) {
        this.event(node.id, 'deferred', bestAt > now ? `best_time:${String(timing.rule)}` : `variant_offset:${variant!.key}`, choice.channel);
        return { kind: 'wait', next: node.id, until: bestAt + offset, context: { deferred: node.id } };
      }
    } else {
      timing = { mode: 'deferred' };
    }
    // Quiet hours keep notifications from waking people; an onsite message only shows to someone on the site.
    const interrupts = choice.channel !== 'onsite' && !node.ignoreQuietHours;
    if (interrupts && settings.quietHours && inQuietHours(now, tz, settings.quietHours)) {
      const until = quietHoursEnd(now, tz, settings.quietHours);
      this.event(node.id, 'deferred', 'quiet_hours', choice.channel);
      return { kind: 'wait', next: node.id, until, context: { deferred: node.id } };
    }
    delete this.context.deferred;
    const decision = { requested: node.channel, channel: choice.channel, channelRule: choice.rule, ratios: choice.ratios ?? null, skipped: skips, timing, timeZone: tz, template: node.template, ...(variant ? { variant: variant.key } : {}) };
    const sender = this.deps.channels[choice.channel]!;
    const claim = await this.deps.ledger.claim(this.run, node.id, choice.channel);
    if (claim.state === 'done') {
      // Done by an attempt of this step that died before storing the transition: its events and
      // the run's last message come from the recorded outcome (events count once per step).
      const done = (claim.outcome ?? {}) as { status?: string; error?: string };
      this.event(node.id, done.status === 'sent' ? 'sent' : 'skipped', done.status === 'sent' ? choice.rule : done.status === 'unknown' ? 'unknown' : `failed:${done.error ?? ''}`, choice.channel);
      if (done.status === 'sent') this.context.lastMessage = { nodeId: node.id, channel: choice.channel, at: now };
      return { kind: 'go', next: node.next };
    }
    if (claim.state === 'in_doubt' && !sender.idempotent) {
      // The earlier attempt may have sent: never risk a second message.
      await this.deps.ledger.complete(this.run, node.id, { status: 'unknown' }, this.auditRow(node.id, 'message.unknown', 'crash_recovery', decision, { status: 'unknown' }));
      this.event(node.id, 'skipped', 'unknown', choice.channel);
      return { kind: 'go', next: node.next };
    }
    const r = this.run;
    const outcome = await sender
      .send({ idempotencyKey: `${r.id}:${node.id}`, workspaceId, journeyId: r.journeyId, version: r.version, nodeId: node.id, runId: r.id, profile, channel: choice.channel, template: node.template, ...(this.context.trigger ? { event: this.context.trigger } : {}), ...(variant ? { variant: variant.key } : {}) })
      .catch((err: unknown) => ({ status: 'failed' as const, error: (err as Error).message }));
    const rule = choice.rule === 'fallback' ? `fallback:${skips.join(';')}` : choice.rule === 'requested' ? null : `best_channel:${choice.rule}`;
    await this.deps.ledger.complete(this.run, node.id, outcome, this.auditRow(node.id, outcome.status === 'sent' ? 'message.sent' : 'message.failed', rule, decision, { ...outcome }));
    this.event(node.id, outcome.status === 'sent' ? 'sent' : 'skipped', outcome.status === 'sent' ? choice.rule : `failed:${outcome.error ?? ''}`, choice.channel);
    if (outcome.status === 'sent') this.context.lastMessage = { nodeId: node.id, channel: choice.channel, at: now };
    return { kind: 'go', next: node.next };
  }

  private async updateTrait(node: NodeOf<'update_trait'>): Promise<Outcome> {
    if (!this.deps.traits) throw new Error('update_trait needs a trait writer');
    const claim = await this.deps.ledger.claim(this.run, node.id, null);
    if (claim.state === 'done') return { kind: 'go', next: node.next };
    // Setting a trait to a value is idempotent, so an in-doubt attempt simply runs again.
    await this.deps.traits.setTrait(this.run.workspaceId, this.run.profileId, node.trait, node.value);
    await this.deps.ledger.complete(this.run, node.id, { status: 'done' }, this.auditRow(node.id, 'trait.updated', null, { trait: node.trait, value: node.value }, { status: 'done' }));
    return { kind: 'go', next: node.next };
  }

  /**
   * A webhook with retries runs as the first node of a step job of its own (a checkpoint: the nodes
   * before it are recorded), whose attempts are its retries. A retryable failure (network, timeout,
   * 429, 5xx) fails the job's attempt and the queue retries it after a backoff, so no job sleeps
   * holding its lock; the last attempt records the failure and the run goes on.
   */
  private async webhook(node: NodeOf<'webhook'>): Promise<Outcome> {
    if (!this.deps.webhooks) throw new Error('webhook needs a webhook caller');
    if (node.retries > 0 && this.context.deferred !== node.id) {
      return { kind: 'wait', next: node.id, until: this.deps.clock.now(), context: { deferred: node.id }, attempts: node.retries + 1 };
    }
    delete this.context.deferred;
    const claim = await this.deps.ledger.claim(this.run, node.id, null);
    if (claim.state === 'done') return { kind: 'go', next: node.next };
    const r = this.run;
    const body = { ...node.body, journey_id: r.journeyId, version: r.version, node_id: node.id, profile_id: r.profileId, ...(this.context.trigger ? { trigger_event: this.context.trigger } : {}) };
    const attempt = this.attempt.made + 1;
    const last = attempt >= Math.min(node.retries + 1, this.attempt.max);
    // Receivers get the idempotency key in a header, so an in-doubt retry is safe to repeat.
    const outcome = await this.deps.webhooks
      .call({ workspaceId: r.workspaceId, url: node.url, body, timeoutMs: node.timeoutMs, retries: 0, idempotencyKey: `${r.id}:${node.id}` })
      .then((res) => {
        if (retryableStatus(res.status) && !last) throw new RetryStepError(`webhook ${node.id}: HTTP ${res.status}`);
        return { status: res.status >= 200 && res.status < 300 ? 'ok' : 'failed', httpStatus: res.status, attempts: attempt };
      })
      .catch((err: unknown) => {
        if (err instanceof RetryStepError) throw err;
        if (!last && !(err instanceof PermanentWebhookError)) throw new RetryStepError(`webhook ${node.id}: ${(err as Error).message}`);
        return { status: 'failed', error: (err as Error).message, attempts: attempt };
      });
    await this.deps.ledger.complete(this.run, node.id, outcome, this.auditRow(node.id, 'webhook.called', outcome.status === 'ok' ? null : 'webhook_failed', { url: node.url }, outcome));
    if (outcome.status !== 'ok') this.event(node.id, 'skipped', 'webhook_failed');
    return { kind: 'go', next: node.next };
  }
}
