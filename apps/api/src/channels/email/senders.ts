import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../../app-handle';
import { topics } from '../../stores/invalidation';
import type { TopicCache } from '../../stores/topic-cache';
import { templatesUsingSender } from '../../templates';

/*
 * Sender identities: the From (display name and address) and optional Reply-To of an email.
 * Which one a send uses: the template's sender if it has one, else the workspace's default sender,
 * else the SMTP settings' from address and name (`email_settings`), the fallback identity of a
 * workspace that never added a sender. When a workspace has senders, exactly one is the default:
 * the first one saved becomes it, "make default" moves it, and the default cannot be deleted while
 * other senders remain (that would silently change the From of every template without a sender).
 */

const isEmail = (v: string) => z.email().safeParse(v).success;
/** Lower-cased: mailbox providers treat addresses case-insensitively, and so does the unique key. */
const emailAddress = z.string().trim().toLowerCase().max(254).refine(isEmail, 'must be an email address');

export const senderInput = z.object({
  /** Omit to create a sender. */
  id: z.string().min(1).max(100).optional(),
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200)
    .regex(/^[^\r\n]*$/, 'must be one line'),
  address: emailAddress,
  /** Empty or null: replies go to the From address. */
  replyTo: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .refine((v) => v === '' || isEmail(v), 'must be an email address')
    .nullable()
    .optional(),
});
export type SenderInput = z.input<typeof senderInput>;

export interface Sender {
  id: string;
  name: string;
  address: string;
  replyTo: string | null;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A sender request the marketer can fix (bad field, address taken, sender still in use). */
export class SenderError extends Error {}
export class SenderNotFound extends Error {
  constructor(readonly id: string) {
    super(`No sender ${id}`);
  }
}

type Row = { id: string; name: string; address: string; reply_to: string | null; is_default: boolean; created_at: Date; updated_at: Date };
const toSender = (r: Row): Sender => ({
  id: r.id,
  name: r.name,
  address: r.address,
  replyTo: r.reply_to,
  isDefault: r.is_default,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});
const columns = ['id', 'name', 'address', 'reply_to', 'is_default', 'created_at', 'updated_at'] as const;

const pgCode = (err: unknown) => (err as { code?: unknown }).code;

/** The default first, then by name. */
export async function listSenders(app: App, workspaceId: string): Promise<Sender[]> {
  const rows = await app.postgres.db.selectFrom('email_senders').select(columns).where('workspace_id', '=', workspaceId).orderBy('is_default', 'desc').orderBy('name').orderBy('address').execute();
  return rows.map(toSender);
}

/** Creates (no `id`) or updates a sender; errors name the field (`address: must be an email address`). */
export async function saveSender(app: App, workspaceId: string, raw: SenderInput): Promise<Sender> {
  const parsed = senderInput.safeParse(raw);
  if (!parsed.success) throw new SenderError(parsed.error.issues.map((i) => `${i.path.join('.') || 'sender'}: ${i.message}`).join('; '));
  const input = parsed.data;
  const values = { name: input.name, address: input.address, reply_to: input.replyTo || null };
  const db = app.postgres.db;
  const clash = await db
    .selectFrom('email_senders')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('address', '=', input.address)
    .$if(!!input.id, (q) => q.where('id', '!=', input.id!))
    .executeTakeFirst();
  const taken = () => new SenderError(`address: a sender with the address ${input.address} already exists`);
  if (clash) throw taken();
  try {
    let row: Row | undefined;
    if (input.id) {
      row = await db.updateTable('email_senders').set({ ...values, updated_at: new Date() }).where('id', '=', input.id).where('workspace_id', '=', workspaceId).returning(columns).executeTakeFirst();
      if (!row) throw new SenderNotFound(input.id);
    } else {
      const id = `snd_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
      row = await db.insertInto('email_senders').values({ id, workspace_id: workspaceId, ...values }).returning(columns).executeTakeFirstOrThrow();
      // The workspace's first sender becomes its default. Two first senders saved at once: the
      // one-default index lets one of them win, the other stays a plain sender.
      const promoted = await db
        .updateTable('email_senders')
        .set({ is_default: true })
        .where('id', '=', id)
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('email_senders').select('id').where('workspace_id', '=', workspaceId).where('is_default', '=', true))))
        .returning(columns)
        .executeTakeFirst()
        .catch((err: unknown) => {
          if (pgCode(err) === '23505') return undefined;
          throw err;
        });
      row = promoted ?? row;
    }
    return toSender(row);
  } catch (err) {
    // Another save took the address between the check and the write.
    if (pgCode(err) === '23505') throw taken();
    throw err;
  } finally {
    forgetSenders(app, workspaceId);
  }
}

/** Makes one sender the workspace's default, in one transaction so there is never zero or two. */
export async function setDefaultSender(app: App, workspaceId: string, id: string): Promise<Sender> {
  try {
    return await app.postgres.db.transaction().execute(async (trx) => {
      const exists = await trx.selectFrom('email_senders').select('id').where('id', '=', id).where('workspace_id', '=', workspaceId).forUpdate().executeTakeFirst();
      if (!exists) throw new SenderNotFound(id);
      // The old default first: the one-default index would refuse two at once.
      await trx.updateTable('email_senders').set({ is_default: false, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('is_default', '=', true).where('id', '!=', id).execute();
      const row = await trx.updateTable('email_senders').set({ is_default: true, updated_at: new Date() }).where('id', '=', id).where('workspace_id', '=', workspaceId).returning(columns).executeTakeFirstOrThrow();
      return toSender(row);
    });
  } catch (err) {
    if (pgCode(err) === '23505') throw new SenderError('another default was set at the same time: reload and try again');
    throw err;
  } finally {
    forgetSenders(app, workspaceId);
  }
}

/** Refused while a template uses the sender (naming the templates), and for the default while other senders remain. */
export async function deleteSender(app: App, workspaceId: string, id: string): Promise<void> {
  try {
    await app.postgres.db.transaction().execute(async (trx) => {
      const sender = await trx.selectFrom('email_senders').select(['id', 'address', 'is_default']).where('id', '=', id).where('workspace_id', '=', workspaceId).forUpdate().executeTakeFirst();
      if (!sender) throw new SenderNotFound(id);
      const users = await templatesUsingSender(trx, workspaceId, id);
      if (users.length) {
        const names = users.map((name) => `"${name}"`).join(', ');
        throw new SenderError(`${sender.address} is the sender of ${users.length === 1 ? 'template' : 'templates'} ${names}: choose another sender for ${users.length === 1 ? 'it' : 'them'} first`);
      }
      if (sender.is_default) {
        const others = await trx.selectFrom('email_senders').select('id').where('workspace_id', '=', workspaceId).where('id', '!=', id).limit(1).executeTakeFirst();
        if (others) throw new SenderError(`${sender.address} is the default sender: make another sender the default first`);
      }
      await trx.deleteFrom('email_senders').where('id', '=', id).where('workspace_id', '=', workspaceId).execute();
    });
  } catch (err) {
    // A template saved with this sender between the check and the delete: the foreign key refuses.
    if (pgCode(err) === '23503') throw new SenderError('a template started using this sender meanwhile: reload and try again');
    throw err;
  } finally {
    forgetSenders(app, workspaceId);
  }
}

/** Whether `id` names a sender of the workspace (template save checks it). */
export async function senderExists(app: App, workspaceId: string, id: string): Promise<boolean> {
  return !!(await app.postgres.db.selectFrom('email_senders').select('id').where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst());
}

// Sends resolve the sender for every message: a short per-workspace cache of all of the workspace's
// senders (few rows) spares the database a query per email, as `getSmtpSettings` does. Changes in
// this process drop the entry at once; other processes see them within `senderCacheMs`.
export const senderCacheMs = 5_000;
interface SenderSet {
  byId: Map<string, Sender>;
  default: Sender | null;
  /** Loaded because a template named a sender the previous snapshot lacked: do not reload again for it. */
  refreshed: boolean;
}

declare module '../../app-handle' {
  interface Services {
    /** Every sender of a workspace, for sends (built in `createServices`). */
    senderCache: TopicCache<Promise<SenderSet>>;
  }
}

function forgetSenders(app: App, workspaceId: string): void {
  app.invalidation.publish(topics.emailSenders, workspaceId);
}

function sendersOf(app: App, workspaceId: string, refreshed = false): Promise<SenderSet> {
  const load = () => listSenders(app, workspaceId).then((all) => ({ byId: new Map(all.map((s) => [s.id, s])), default: all.find((s) => s.isDefault) ?? null, refreshed }));
  return app.services.senderCache.load(workspaceId, senderCacheMs, load, refreshed);
}

/**
 * The sender a send uses: the template's (`senderId`), else the workspace default; null means the
 * SMTP settings' from. At most one query per workspace per `senderCacheMs`, plus one when a
 * template names a sender created in another process since the snapshot.
 */
export async function senderForSend(app: App, workspaceId: string, senderId: string | null): Promise<Sender | null> {
  let set = await sendersOf(app, workspaceId);
  if (senderId && !set.byId.has(senderId) && !set.refreshed) set = await sendersOf(app, workspaceId, true);
  return (senderId ? set.byId.get(senderId) : undefined) ?? set.default;
}
