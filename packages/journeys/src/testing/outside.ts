// Fakes of what the engine reaches outside: channels, the recorder and webhook receivers.
import type { ChannelName } from '../definition';
import type { AuditRow, Channel, OutgoingMessage, ProfileView, Recorder, SendOutcome, StepEvent, WebhookCaller } from '../ports';
import { PermanentWebhookError } from '../ports';

/** Records what it is asked to send; `reachable` and `outcome` decide who it reaches and how sending goes. */
export class MemoryChannel implements Channel {
  readonly sent: OutgoingMessage[] = [];

  constructor(
    readonly name: ChannelName,
    private readonly options: {
      reachable?: (profile: ProfileView) => true | string;
      outcome?: (message: OutgoingMessage) => SendOutcome;
      idempotent?: boolean;
      onSent?: (message: OutgoingMessage) => void;
    } = {},
  ) {}

  get idempotent(): boolean {
    return this.options.idempotent ?? true;
  }

  reachable(profile: ProfileView): true | string {
    return this.options.reachable ? this.options.reachable(profile) : true;
  }

  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const outcome = this.options.outcome?.(message) ?? { status: 'sent' };
    if (outcome.status === 'sent') {
      this.sent.push(message);
      this.options.onSent?.(message);
    }
    return outcome;
  }
}

export class MemoryRecorder implements Recorder {
  readonly audits: AuditRow[] = [];
  /** Step counters, in the order the engine recorded them. */
  readonly steps: StepEvent[] = [];

  async audit(row: AuditRow): Promise<void> {
    this.audits.push(row);
  }

  events(rows: StepEvent[]): void {
    this.steps.push(...rows);
  }

  stepped(rows: StepEvent[]): void {
    this.steps.push(...rows);
  }
}

/** What a webhook receiver answers, call by call: an HTTP status, a network error, or a refusal before the call. */
export type WebhookReply = number | 'network_error' | 'refused';

export class ScriptedWebhooks implements WebhookCaller {
  readonly calls: Array<Parameters<WebhookCaller['call']>[0]> = [];

  /** Replies in order; once used up, every call gets `otherwise`. */
  constructor(
    private readonly replies: WebhookReply[] = [],
    private readonly otherwise: WebhookReply = 200,
  ) {}

  async call(request: Parameters<WebhookCaller['call']>[0]): Promise<{ status: number; attempts: number }> {
    this.calls.push(request);
    const reply = this.replies.shift() ?? this.otherwise;
    if (reply === 'network_error') throw new Error('connect ECONNREFUSED');
    if (reply === 'refused') throw new PermanentWebhookError(`host not allowed: ${new URL(request.url).host}`);
    return { status: reply, attempts: 1 };
  }
}
