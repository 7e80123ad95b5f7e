import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { App } from '../app';
import type { Database } from '../stores/postgres';
import { validateTemplate, TemplateError } from './render';
import { topics } from '../stores/invalidation';

export const templateChannels = ['email', 'web_push', 'onsite'] as const;

export const templateInput = z.object({
  id: z.string().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(200),
  channel: z.enum(templateChannels),
  subject: z.string().max(2_000).default(''),
  body: z.string().min(1).max(500_000),
  url: z.string().max(4_000).default(''),
  subscriptionGroup: z
    .string()
    .trim()
    .max(100)
    .regex(/^[\w -]*$/, 'letters, digits, spaces, - and _ only')
    .default(''),
  /**
   * Email: the sender identity (channels/email/senders.ts) it goes out as. Null or omitted: the
   * workspace's default sender. A save stores the whole template, so omitting it on an update
   * also resets it to the default, like every other optional field.
   */
  senderId: z.string().min(1).max(100).nullable().optional(),
});
export type TemplateInput = z.input<typeof templateInput>;

export interface Template {
  id: string;
  workspaceId: string;
  name: string;
  channel: (typeof templateChannels)[number];
  subject: string;
  body: string;
  url: string;
  subscriptionGroup: string;
  senderId: string | null;
  updatedAt: string;
}

type Row = { id: string; workspace_id: string; name: string; channel: Template['channel']; subject: string; body: string; url: string; subscription_group: string; sender_id: string | null; updated_at: Date };

const toTemplate = (r: Row): Template => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  channel: r.channel,
  subject: r.subject,
  body: r.body,
  url: r.url,
  subscriptionGroup: r.subscription_group,
  senderId: r.sender_id,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listTemplates(app: App, workspaceId: string): Promise<Omit<Template, 'body'>[]> {
  const rows = await app.postgres.db
    .selectFrom('message_templates')
    .select(['id', 'workspace_id', 'name', 'channel', 'subject', 'url', 'subscription_group', 'sender_id', 'updated_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
  return rows.map((r) => {
    const { body: _body, ...rest } = toTemplate({ ...r, body: '' });
    return rest;
  });
}

/** By id, or by name (journey nodes may name their template). */
export async function getTemplate(app: App, workspaceId: string, idOrName: string): Promise<Template | null> {
  const row = await app.postgres.db
    .selectFrom('message_templates')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .orderBy(({ eb }) => eb.case().when('id', '=', idOrName).then(0).else(1).end())
    .executeTakeFirst();
  return row ? toTemplate(row) : null;
}

// Sends look the template up for every message: a short per-workspace cache spares the database a
// query per send. A save drops the workspace's entries in every process (API and workers scaled
// out) through cross-process invalidation; `templateCacheMs` bounds staleness if a message is missed.
export const templateCacheMs = 5_000;
const sendCache = new WeakMap<App, Map<string, Map<string, { at: number; value: Promise<Template | null> }>>>();

/** `getTemplate` for senders: the same answer, at most `templateCacheMs` old, never older than this process's last save. */
export function getTemplateForSend(app: App, workspaceId: string, idOrName: string): Promise<Template | null> {
  let byWs = sendCache.get(app);
  if (!byWs) {
    const created = (byWs = new Map());
    sendCache.set(app, created);
    app.invalidation.subscribe(topics.templates, (ws) => created.delete(ws));
  }
  let entries = byWs.get(workspaceId);
  if (!entries) byWs.set(workspaceId, (entries = new Map()));
  const hit = entries.get(idOrName);
  if (hit && Date.now() - hit.at < templateCacheMs) return hit.value;
  if (entries.size >= 1_000) entries.clear();
  const value = getTemplate(app, workspaceId, idOrName);
  const own = entries;
  // A miss is not kept: a template just created (here or elsewhere) must not be skipped as missing.
  value.then(
    (t) => t === null && own.get(idOrName)?.value === value && own.delete(idOrName),
    () => own.get(idOrName)?.value === value && own.delete(idOrName),
  );
  entries.set(idOrName, { at: Date.now(), value });
  return value;
}

/** By id or by name, every cached look-up of the workspace may be stale after a save (a rename moves a name). */
function forgetTemplates(app: App, workspaceId: string): void {
  app.invalidation.publish(topics.templates, workspaceId);
}

/** Validates (liquid and MJML, with line numbers) before anything is stored. */
export async function saveTemplate(app: App, workspaceId: string, raw: TemplateInput): Promise<Template> {
  const input = templateInput.parse(raw);
  const issues = await validateTemplate(input);
  if (issues.length) throw new TemplateError(issues);
  const values = {
    name: input.name,
    channel: input.channel,
    subject: input.subject,
    body: input.body,
    url: input.url,
    subscription_group: input.subscriptionGroup,
    sender_id: input.senderId ?? null,
  };
  const db = app.postgres.db;
  if (input.senderId) {
    if (input.channel !== 'email') throw new TemplateError([{ field: 'senderId', line: null, column: null, message: 'only email templates have a sender' }]);
    const sender = await db.selectFrom('email_senders').select('id').where('workspace_id', '=', workspaceId).where('id', '=', input.senderId).executeTakeFirst();
    if (!sender) throw new TemplateError([{ field: 'senderId', line: null, column: null, message: `no sender ${input.senderId} in this workspace` }]);
  }
  // The sender deleted between the check and the write: the foreign key refuses it.
  const senderGone = (err: unknown): never => {
    if ((err as { code?: unknown }).code === '23503') throw new TemplateError([{ field: 'senderId', line: null, column: null, message: `no sender ${input.senderId} in this workspace` }]);
    throw err;
  };
  const clash = await db
    .selectFrom('message_templates')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', input.name)
    .$if(!!input.id, (q) => q.where('id', '!=', input.id!))
    .executeTakeFirst();
  if (clash) throw new TemplateError([{ field: 'name', line: null, column: null, message: `a template named "${input.name}" already exists` }]);
  if (input.id) {
    const row = await db
      .updateTable('message_templates')
      .set({ ...values, updated_at: new Date() })
      .where('id', '=', input.id)
      .where('workspace_id', '=', workspaceId)
      .returningAll()
      .executeTakeFirst()
      .catch(senderGone);
    forgetTemplates(app, workspaceId);
    if (!row) throw new TemplateNotFound(input.id);
    return toTemplate(row);
  }
  const row = await db
    .insertInto('message_templates')
    .values({ id: `tpl_${randomUUID().replace(/-/g, '').slice(0, 20)}`, workspace_id: workspaceId, ...values })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch(senderGone);
  forgetTemplates(app, workspaceId);
  return toTemplate(row);
}

export class TemplateNotFound extends Error {
  constructor(readonly id: string) {
    super(`No template ${id}`);
  }
}

/** The subscription groups a workspace's templates use: what the preferences page offers. */
/** Names of the workspace's templates sent from a sender (a sender still in use cannot be deleted). Pass the caller's transaction. */
export async function templatesUsingSender(db: Kysely<Database>, workspaceId: string, senderId: string): Promise<string[]> {
  const rows = await db.selectFrom('message_templates').select('name').where('workspace_id', '=', workspaceId).where('sender_id', '=', senderId).orderBy('name').execute();
  return rows.map((r) => r.name);
}

export async function subscriptionGroups(app: App, workspaceId: string, channel: Template['channel']): Promise<string[]> {
  const rows = await app.postgres.db
    .selectFrom('message_templates')
    .select('subscription_group')
    .distinct()
    .where('workspace_id', '=', workspaceId)
    .where('channel', '=', channel)
    .where('subscription_group', '!=', '')
    .orderBy('subscription_group')
    .execute();
  return rows.map((r) => r.subscription_group);
}
