import { z } from 'zod';
import type { App } from '../../app-handle';
import { decryptSecret, encryptSecret } from '../../kernel/crypto/secrets';
import { topics } from '../../stores/invalidation';
import type { TopicCache } from '../../stores/topic-cache';

export const emailSettingsInput = z.object({
  host: z.string().trim().min(1).max(255),
  port: z.number().int().min(1).max(65535),
  /** Implicit TLS (port 465); otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  username: z.string().max(255).default(''),
  /** Omit to keep the stored password. */
  password: z.string().max(1000).optional(),
  fromAddress: z.email(),
  fromName: z.string().max(200).default(''),
});
export type EmailSettingsInput = z.input<typeof emailSettingsInput>;

export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  username: string;
  hasPassword: boolean;
  fromAddress: string;
  fromName: string;
  updatedAt: string;
}

/** What a sender needs, password decrypted; never returned to the dashboard. */
export interface SmtpSettings extends EmailSettings {
  password: string;
}

/** Settings that cannot be used as given; the message starts with the field. */
export class EmailSettingsError extends Error {}

export async function saveEmailSettings(app: App, workspaceId: string, raw: EmailSettingsInput): Promise<EmailSettings> {
  const input = emailSettingsInput.parse(raw);
  // The host is checked where it resolves now, and again at every connection (it may resolve elsewhere later).
  await app.outbound.resolve(input.host).catch((err: Error) => {
    throw new EmailSettingsError(`host: ${err.message}`);
  });
  const values = {
    host: input.host,
    port: input.port,
    secure: input.secure,
    username: input.username,
    from_address: input.fromAddress,
    from_name: input.fromName,
    updated_at: new Date(),
    ...(input.password !== undefined ? { password_enc: input.password ? encryptSecret(app.config.secret, input.password) : '' } : {}),
  };
  await app.postgres.db
    .insertInto('email_settings')
    .values({ workspace_id: workspaceId, password_enc: '', ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .execute();
  app.invalidation.publish(topics.smtpSettings, workspaceId);
  return (await getEmailSettings(app, workspaceId))!;
}

// Sends read the settings every time: a short cache spares the database and the decryption. A
// save drops every process's copy (cross-process invalidation); the TTL covers missed messages.
const cacheMs = 5_000;
declare module '../../app-handle' {
  interface Services {
    /** Decrypted SMTP settings per workspace, a few seconds (built in `createServices`). */
    smtpSettingsCache: TopicCache<Promise<SmtpSettings | null>>;
  }
}

export function getSmtpSettings(app: App, workspaceId: string): Promise<SmtpSettings | null> {
  return app.services.smtpSettingsCache.load(workspaceId, cacheMs, () => loadSmtpSettings(app, workspaceId));
}

async function loadSmtpSettings(app: App, workspaceId: string): Promise<SmtpSettings | null> {
  const row = await app.postgres.db.selectFrom('email_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) return null;
  return {
    host: row.host,
    port: row.port,
    secure: row.secure,
    username: row.username,
    hasPassword: row.password_enc !== '',
    password: row.password_enc ? decryptSecret(app.config.secret, row.password_enc) : '',
    fromAddress: row.from_address,
    fromName: row.from_name,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function getEmailSettings(app: App, workspaceId: string): Promise<EmailSettings | null> {
  const s = await getSmtpSettings(app, workspaceId);
  if (!s) return null;
  const { password: _password, ...visible } = s;
  return visible;
}
