import { createHmac } from 'node:crypto';
import { PermanentWebhookError, type WebhookCaller } from '@overture/journeys';
import { OutboundRefusedError, type OutboundGuard } from '../stores/outbound';

export class WebhookRefusedError extends PermanentWebhookError {}

/** The secret a receiver checks signatures with; one per workspace, derived from the app secret. */
export function webhookSecret(appSecret: string, workspaceId: string): string {
  return createHmac('sha256', appSecret).update(`webhook:${workspaceId}`).digest('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as receivers verify it. */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** `host` (any port), `host:port`, `*.domain` (its subdomains, any port) or `*.domain:port`. */
export function hostAllowed(url: string, allowed: string[]): boolean {
  const u = new URL(url);
  const host = u.host.toLowerCase();
  const hostname = u.hostname.toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return allowed.some((a) => {
    const rule = a.toLowerCase();
    if (rule.startsWith('*.')) {
      const [domain, rulePort] = rule.slice(1).split(':') as [string, string | undefined];
      return hostname.endsWith(domain) && (rulePort === undefined || rulePort === port);
    }
    return rule === host || rule === hostname || rule === `${hostname}:${port}`;
  });
}

const retryable = (status: number) => status === 429 || status >= 500;

export interface SignedWebhookOptions {
  appSecret: string;
  /** Hosts a workspace may call (`api.example.com`, `*.example.com`, `127.0.0.1:8080`). */
  allowedHosts(workspaceId: string): Promise<string[]>;
  /** Resolves, checks and pins the receiver's address; caps the time and the answer. */
  outbound: OutboundGuard;
  backoffMs?: number;
  clock?: { now(): number };
}

/** One signed POST, the only place a webhook request leaves the server (through the outbound guard); resolves with the HTTP status. */
export async function callWebhook(
  outbound: OutboundGuard,
  req: { url: string; body: string; headers: Record<string, string>; timeoutMs: number },
): Promise<number> {
  const res = await outbound.request(req.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...req.headers },
    body: req.body,
    timeoutMs: req.timeoutMs,
  });
  return res.status;
}

/**
 * Signed POSTs to allow-listed hosts with a timeout per attempt; redirects are answers, not followed.
 * `retries` more attempts on network errors, 429 and 5xx are for callers answering a person (a one-click
 * action); the journey engine asks for none and retries through its step job's backoff instead.
 */
export class SignedWebhookCaller implements WebhookCaller {
  constructor(private readonly options: SignedWebhookOptions) {}

  async call(req: { workspaceId: string; url: string; body: unknown; timeoutMs: number; retries: number; idempotencyKey: string }): Promise<{ status: number; attempts: number }> {
    const allowed = await this.options.allowedHosts(req.workspaceId);
    if (!hostAllowed(req.url, allowed)) throw new WebhookRefusedError(`host of ${req.url} is not on the workspace's webhook allow-list`);
    const body = JSON.stringify(req.body);
    const secret = webhookSecret(this.options.appSecret, req.workspaceId);
    let lastError = '';
    for (let attempt = 1; attempt <= req.retries + 1; attempt++) {
      const now = Math.floor((this.options.clock?.now() ?? Date.now()) / 1000);
      try {
        const status = await callWebhook(this.options.outbound, { url: req.url, body, headers: { 'idempotency-key': req.idempotencyKey, 'x-overture-signature': signWebhook(secret, body, now) }, timeoutMs: req.timeoutMs });
        if (!retryable(status) || attempt > req.retries) return { status, attempts: attempt };
        lastError = `HTTP ${status}`;
      } catch (err) {
        // A refused destination stays refused: no retry.
        if (err instanceof OutboundRefusedError) throw new WebhookRefusedError(`${req.url} is refused: ${err.message}`);
        lastError = (err as Error).message;
        if (attempt > req.retries) break;
      }
      await new Promise((r) => setTimeout(r, (this.options.backoffMs ?? 200) * 2 ** (attempt - 1)));
    }
    throw new Error(`webhook failed after ${req.retries + 1} attempts: ${lastError}`);
  }
}
