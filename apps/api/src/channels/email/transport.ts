import type { Socket } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import type { App } from '../../app';
import type { SmtpSettings } from './settings';

/** One pooled SMTP connection set per workspace and settings version, reused across sends. */
const pools = new WeakMap<App, Map<string, Transporter>>();

export function transportFor(app: App, workspaceId: string, s: SmtpSettings): Transporter {
  let byKey = pools.get(app);
  if (!byKey) pools.set(app, (byKey = new Map()));
  const key = `${workspaceId}:${s.updatedAt}`;
  let t = byKey.get(key);
  if (!t) {
    for (const [k, old] of byKey) {
      if (k.startsWith(`${workspaceId}:`)) {
        old.close();
        byKey.delete(k);
      }
    }
    t = nodemailer.createTransport({
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
        app.outbound.connect(s.host, s.port, 10_000).then(
          (socket) => callback(null, { connection: socket }),
          (err: Error) => callback(err),
        );
      },
    });
    byKey.set(key, t);
  }
  return t;
}

/** Closes the app's SMTP pools (graceful shutdown, end of a test). */
export function closeTransports(app: App): void {
  const byKey = pools.get(app);
  if (!byKey) return;
  for (const t of byKey.values()) t.close();
  pools.delete(app);
}
