import type { Socket } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { OutboundGuard } from '../../stores/outbound';

/** What a pool needs of a workspace's SMTP settings (`SmtpSettings`). */
export interface SmtpConnectionSettings {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  password: string;
  updatedAt: string;
}

/** One pooled SMTP connection set per workspace and settings version, reused across sends (`app.services.smtpPools`). */
export class SmtpPools {
  readonly #byKey = new Map<string, Transporter>();

  /** `outbound`: the app's guard, which a new pool's connections go through. */
  get(workspaceId: string, s: SmtpConnectionSettings, outbound: OutboundGuard): Transporter {
    const key = `${workspaceId}:${s.updatedAt}`;
    const existing = this.#byKey.get(key);
    if (existing) return existing;
    for (const [k, old] of this.#byKey) {
      if (k.startsWith(`${workspaceId}:`)) {
        old.close();
        this.#byKey.delete(k);
      }
    }
    const t = nodemailer.createTransport({
      pool: true,
      maxConnections: 5,
      maxMessages: 500,
      host: s.host,
      port: s.port,
      secure: s.secure,
      ...(s.username ? { auth: { user: s.username, pass: s.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // Every pooled connection resolves the host anew through the outbound guard and connects to the
      // checked address; STARTTLS or implicit TLS still verify the certificate against the host name.
      getSocket: (_options: unknown, callback: (err: Error | null, socketOptions?: { connection: Socket }) => void) => {
        outbound.connect(s.host, s.port, 10_000).then(
          (socket) => callback(null, { connection: socket }),
          (err: Error) => callback(err),
        );
      },
    });
    this.#byKey.set(key, t);
    return t;
  }

  /** Closes every pool (graceful shutdown, end of a test); later sends open new ones. */
  close(): void {
    for (const t of this.#byKey.values()) t.close();
    this.#byKey.clear();
  }
}

/** What these functions need of the App handle (this file is built from by the composition root). */
type PoolsHost = { outbound: OutboundGuard; services: { smtpPools: SmtpPools } };

export function transportFor(app: PoolsHost, workspaceId: string, s: SmtpConnectionSettings): Transporter {
  return app.services.smtpPools.get(workspaceId, s, app.outbound);
}

/** Closes the app's SMTP pools (graceful shutdown, end of a test). */
export function closeTransports(app: PoolsHost): void {
  app.services.smtpPools.close();
}
