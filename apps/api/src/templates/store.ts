import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { sql, type Kysely } from 'kysely';
import type { App } from '../app-handle';
import type { Database } from '../stores/postgres';
import { validateTemplate, TemplateError, type TemplateIssue } from './render';
import type { LRUCache } from 'lru-cache';
import { topics } from '../stores/invalidation';
import { ttlCache, type TopicCache } from '../stores/topic-cache';
import { maxTemplateVariants, templateVariant, type TemplateVariant } from './variants';

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
  /** 2–5 variants run the template as an experiment; none (the default) sends the template itself. */
  variants: z.array(templateVariant).max(maxTemplateVariants).default([]),
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
  variants: TemplateVariant[];
  /** Set once the template's experiment is decided: everyone gets this variant. */
  variantWinner: string | null;
  updatedAt: string;
}

type Row = { id: string; workspace_id: string; name: string; channel: Template['channel']; subject: string; body: string; url: string; subscription_group: string; sender_id: string | null; variant_winner: string | null; updated_at: Date };

type VariantRow = { key: string; weight: number; subject: string; body: string; sender_name: string; send_offset_minutes: number };

const toVariant = (v: VariantRow): TemplateVariant => ({ key: v.key, weight: Number(v.weight), subject: v.subject, body: v.body, senderName: v.sender_name, sendOffsetMinutes: v.send_offset_minutes });

const toTemplate = (r: Row, variants: VariantRow[] = []): Template => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  channel: r.channel,
  subject: r.subject,
  body: r.body,
  url: r.url,
  subscriptionGroup: r.subscription_group,
  senderId: r.sender_id,
  variants: variants.map(toVariant),
  variantWinner: r.variant_winner,
  updatedAt: new Date(r.updated_at).toISOString(),
});

async function variantRows(db: Kysely<Database>, templateId: string): Promise<VariantRow[]> {
  return db.selectFrom('template_variants').select(['key', 'weight', 'subject', 'body', 'sender_name', 'send_offset_minutes']).where('template_id', '=', templateId).orderBy('position').execute();
}

export type TemplateSummary = Omit<Template, 'body' | 'variants'> & { variantCount: number };

export async function listTemplates(app: App, workspaceId: string): Promise<TemplateSummary[]> {
  const rows = await app.postgres.db
    .selectFrom('message_templates')
    .select(['id', 'workspace_id', 'name', 'channel', 'subject', 'url', 'subscription_group', 'sender_id', 'variant_winner', 'updated_at'])
    .select((eb) => eb.selectFrom('template_variants').select(eb.fn.countAll<string>().as('n')).whereRef('template_variants.template_id', '=', 'message_templates.id').as('variant_count'))
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
  return rows.map(({ variant_count, ...r }) => {
    const { body: _body, variants: _variants, ...rest } = toTemplate({ ...r, body: '' });
    return { ...rest, variantCount: Number(variant_count ?? 0) };
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
  return row ? toTemplate(row, await variantRows(app.postgres.db, row.id)) : null;
}

// Sends look the template up for every message: a short per-workspace cache spares the database a
// query per send. A save drops the workspace's entries in every process (API and workers scaled
// out) through cross-process invalidation; `templateCacheMs` bounds staleness if a message is missed.
export const templateCacheMs = 5_000;

declare module '../app-handle' {
  interface Services {
    /** Templates of each workspace by id or name, for sends (built in `createServices`). */
    templateSendCache: TopicCache<LRUCache<string, Promise<Template | null>>>;
  }
}

/** `getTemplate` for senders: the same answer, at most `templateCacheMs` old, never older than this process's last save. */
export function getTemplateForSend(app: App, workspaceId: string, idOrName: string): Promise<Template | null> {
  const byWs = app.services.templateSendCache.entries;
  let entries = byWs.get(workspaceId);
  if (!entries) byWs.set(workspaceId, (entries = ttlCache({ max: 1_000, ttlMs: templateCacheMs })));
  const hit = entries.get(idOrName);
  if (hit) return hit;
  const value = getTemplate(app, workspaceId, idOrName);
  const own = entries;
  // A miss is not kept: a template just created (here or elsewhere) must not be skipped as missing.
  value.then(
    (t) => t === null && own.get(idOrName) === value && own.delete(idOrName),
    () => own.get(idOrName) === value && own.delete(idOrName),
  );
  entries.set(idOrName, value);
  return value;
}

/**
 * Decides a template's experiment (the experiments domain calls this when a winner is picked or the
 * experiment stops): from now on everyone gets `variantKey`, in every process.
 */
export async function setTemplateVariantWinner(app: App, workspaceId: string, id: string, variantKey: string): Promise<void> {
  await app.postgres.db.updateTable('message_templates').set({ variant_winner: variantKey, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  forgetTemplates(app, workspaceId);
}

/** New weights for a template's variants (by key; a variant not named keeps its own), as a bandit sets them. */
export async function setTemplateVariantWeights(app: App, workspaceId: string, id: string, weights: Record<string, number>): Promise<void> {
  const owned = await app.postgres.db.selectFrom('message_templates').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!owned) return;
  await app.postgres.db.transaction().execute(async (trx) => {
    for (const [key, weight] of Object.entries(weights)) {
      await trx.updateTable('template_variants').set({ weight: Math.min(1000, Math.max(0.01, weight)) }).where('template_id', '=', id).where('key', '=', key).execute();
    }
  });
  forgetTemplates(app, workspaceId);
}

/** The workspace's templates that run an experiment (2 or more variants), with their variants. */
export async function templatesWithVariants(app: App, workspaceId: string): Promise<Array<{ id: string; name: string; variants: TemplateVariant[] }>> {
  const rows = await app.postgres.db
    .selectFrom('template_variants as v')
    .innerJoin('message_templates as t', 't.id', 'v.template_id')
    .select(['t.id', 't.name', 'v.key', 'v.weight', 'v.subject', 'v.body', 'v.sender_name', 'v.send_offset_minutes'])
    .where('t.workspace_id', '=', workspaceId)
    .orderBy('t.id')
    .orderBy('v.position')
    .execute();
  const byId = new Map<string, { id: string; name: string; variants: TemplateVariant[] }>();
  for (const r of rows) {
    const t = byId.get(r.id) ?? { id: r.id, name: r.name, variants: [] };
    t.variants.push(toVariant(r));
    byId.set(r.id, t);
  }
  return [...byId.values()].filter((t) => t.variants.length >= 2);
}

/** By id or by name, every cached look-up of the workspace may be stale after a save (a rename moves a name). */
function forgetTemplates(app: App, workspaceId: string): void {
  app.invalidation.publish(topics.templates, workspaceId);
}

/** Validates (liquid and MJML, with line numbers) before anything is stored. */
export async function saveTemplate(app: App, workspaceId: string, raw: TemplateInput): Promise<Template> {
  const input = templateInput.parse(raw);
  const issues = await templateIssues(input);
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
  // The template and its variants change together: a send never sees one without the other.
  const saved = await db
    .transaction()
    .execute(async (trx) => {
      let row;
      if (input.id) {
        // A decided experiment stays decided while its winner is still one of the variants.
        const keys = JSON.stringify(input.variants.map((v) => v.key));
        const winnerKept = sql<string | null>`CASE WHEN variant_winner IN (SELECT jsonb_array_elements_text(${keys}::jsonb)) THEN variant_winner END`;
        row = await trx.updateTable('message_templates').set({ ...values, variant_winner: winnerKept, updated_at: new Date() }).where('id', '=', input.id).where('workspace_id', '=', workspaceId).returningAll().executeTakeFirst();
        if (!row) return null;
        await trx.deleteFrom('template_variants').where('template_id', '=', row.id).execute();
      } else {
        row = await trx
          .insertInto('message_templates')
          .values({ id: `tpl_${randomUUID().replace(/-/g, '').slice(0, 20)}`, workspace_id: workspaceId, ...values })
          .returningAll()
          .executeTakeFirstOrThrow();
      }
      const variants = input.variants.map((v, i) => ({ workspace_id: workspaceId, template_id: row.id, key: v.key, position: i, weight: v.weight, subject: v.subject, body: v.body, sender_name: v.senderName, send_offset_minutes: v.sendOffsetMinutes }));
      if (variants.length) await trx.insertInto('template_variants').values(variants).execute();
      return toTemplate(row, variants);
    })
    .catch(senderGone);
  forgetTemplates(app, workspaceId);
  if (!saved) throw new TemplateNotFound(input.id!);
  return saved;
}

/** Every problem of a draft (its fields, then its variants'), with line numbers: what the editor shows as one types. */
export async function templateIssues(raw: TemplateInput): Promise<TemplateIssue[]> {
  const input = templateInput.parse(raw);
  return [...(await validateTemplate(input)), ...(await variantIssues(input))];
}

/** Liquid and MJML of each variant's overrides, and what a set of variants must be (named by field). */
async function variantIssues(input: z.output<typeof templateInput>): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  const vs = input.variants;
  const issue = (field: TemplateIssue['field'], message: string, line: number | null = null) => issues.push({ field, line, column: null, message });
  if (vs.length === 1) issue('variants', 'an experiment needs at least 2 variants (or none)');
  const keys = new Set<string>();
  for (const [i, v] of vs.entries()) {
    if (keys.has(v.key)) issue(`variants.${i}.key`, `variant "${v.key}" appears twice`);
    keys.add(v.key);
    if (v.senderName && input.channel !== 'email') issue(`variants.${i}.senderName`, 'only an email has a sender name');
    if (!v.subject && !v.body) continue;
    const found = await validateTemplate({ channel: input.channel, subject: v.subject, body: v.body || input.body, url: '' });
    for (const f of found) if (f.field === 'subject' || (f.field === 'body' && v.body)) issue(`variants.${i}.${f.field}`, f.message, f.line);
  }
  return issues;
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
