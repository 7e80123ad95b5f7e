import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { App } from '../app-handle';
import { validateTemplate } from '../templates';
import { getSegment } from '../segments';
import type { PlacementKind } from './tables';
import { topics } from '../stores/invalidation';
import type { TopicCache } from '../stores/topic-cache';
import { strategies } from '../recommendations';
import { maxVariants, overlayLayouts, placementVariant, type PlacementVariant } from './variants';

export const defaultDismissDays = 7;

export const placementKinds = ['top_bar', 'modal', 'slide_in', 'inline', 'cta'] as const satisfies readonly PlacementKind[];

/**
 * Server-side rules (pages, segments, frequency) decide whether a placement is sent at all;
 * client-side triggers (scroll, time, exit intent) decide when the SDK shows it: any one that fires.
 */
export const rulesSchema = z.object({
  /** Prefixes, or globs when they hold `*` (`*` stays within a path segment, `**` crosses them). A
   * pattern starting with `/` is matched against the path, any other against host + path. None = every page. */
  urls: z.array(z.string().trim().min(1).max(500)).max(50).default([]),
  /** Shown to members of any of these segments; none = everyone. */
  segments: z.array(z.string().min(1).max(100)).max(20).default([]),
  scrollPercent: z.number().int().min(1).max(100).nullable().default(null),
  delaySeconds: z.number().int().min(1).max(3600).nullable().default(null),
  exitIntent: z.boolean().default(false),
  /** At most `max` impressions per profile in any `days` days. */
  frequency: z.object({ max: z.number().int().min(1).max(1000), days: z.number().int().min(1).max(365) }).nullable().default(null),
  /** Not shown again to a profile for this many days after they dismissed it; 0: a dismissal closes it for that page only. */
  dismissDays: z.number().int().min(0).max(365).default(defaultDismissDays),
});
export type Rules = z.output<typeof rulesSchema>;

const slotName = /^[\w-]{1,100}$/;

/** A "Recommendations" placement: `/v1/decide` fills it with this strategy's products for the visitor. */
export const recommendationBlock = z.object({
  strategy: z.enum(strategies),
  limit: z.number().int().min(1).max(12).default(4),
  title: z.string().trim().max(200).default(''),
});
export type RecommendationBlock = z.output<typeof recommendationBlock>;

export const placementInput = z
  .object({
    id: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(200),
    kind: z.enum(placementKinds),
    active: z.boolean().default(true),
    priority: z.number().int().min(-1000).max(1000).default(0),
    /** Liquid HTML for overlays and inline slots; the new button text (liquid) for a CTA swap. */
    content: z.string().max(100_000).default(''),
    /** Slot name (`[data-overture-slot=name]`) for inline, CSS selector for cta. */
    target: z.string().trim().max(500).default(''),
    /** CTA swap: the new link (liquid); http(s) or a path. */
    href: z.string().trim().max(4_000).default(''),
    rules: rulesSchema.default(rulesSchema.parse({})),
    /** Set: the content is a recommendation block (the placement's own content is not used). */
    recommendations: recommendationBlock.nullable().default(null),
    /** None, or 2–5 variants (the first is the experiment's baseline). */
    variants: z.array(placementVariant).max(maxVariants).default([]),
  })
  .superRefine((p, ctx) => {
    if (p.kind === 'inline' && !slotName.test(p.target)) ctx.addIssue({ code: 'custom', path: ['target'], message: 'an inline placement names its slot: letters, digits, - and _' });
    if (p.kind === 'cta' && (!p.target || /[<>{}]/.test(p.target))) ctx.addIssue({ code: 'custom', path: ['target'], message: 'a CTA swap needs the CSS selector of the button or link' });
    if (p.kind === 'cta' && !p.content.trim() && !p.href) ctx.addIssue({ code: 'custom', path: ['content'], message: 'a CTA swap changes the text, the link or both' });
    if (p.recommendations && p.kind === 'cta') ctx.addIssue({ code: 'custom', path: ['recommendations'], message: 'a CTA swap cannot hold a recommendation block: use an inline slot or an overlay' });
    if (p.kind !== 'cta' && !p.recommendations && !p.content.trim()) ctx.addIssue({ code: 'custom', path: ['content'], message: 'must not be empty' });
    if (p.href && !/^(https?:\/\/|\/|\{\{)/i.test(p.href)) ctx.addIssue({ code: 'custom', path: ['href'], message: 'must be an http(s) URL or a path starting with /' });
    if (p.variants.length === 1) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'an experiment needs at least 2 variants (or none)' });
    const names = new Set<string>();
    p.variants.forEach((v, i) => {
      if (names.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `variant "${v.name}" appears twice` });
      names.add(v.name);
      if (v.layout && !(overlayLayouts as readonly string[]).includes(p.kind)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'layout'], message: 'only an overlay (top bar, modal, slide-in) can change its layout' });
      if (v.href && !/^(https?:\/\/|\/|\{\{)/i.test(v.href)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'href'], message: 'must be an http(s) URL or a path starting with /' });
    });
    if (p.variants.length > 0 && p.variants.every((v) => v.control)) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'at least one variant must show the placement' });
  });
export type PlacementInput = z.input<typeof placementInput>;

export interface Placement {
  id: string;
  workspaceId: string;
  name: string;
  kind: PlacementKind;
  active: boolean;
  priority: number;
  content: string;
  target: string;
  href: string;
  rules: Rules;
  recommendations: RecommendationBlock | null;
  variants: PlacementVariant[];
  /** Set once the placement's experiment is decided: everyone sees this variant. */
  variantWinner: string | null;
  updatedAt: string;
}

/** A bad placement, naming the field (`rules.frequency.max: ...`). */
export class PlacementError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

type Row = { id: string; workspace_id: string; name: string; kind: PlacementKind; active: boolean; priority: number; content: string; target: string; href: string; rules: unknown; recommendations: unknown; variants: unknown; variant_winner: string | null; updated_at: Date };

const toPlacement = (r: Row): Placement => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  kind: r.kind,
  active: r.active,
  priority: r.priority,
  content: r.content,
  target: r.target,
  href: r.href,
  // Stored rules passed the schema; parsing again fills defaults added since.
  rules: rulesSchema.parse(typeof r.rules === 'string' ? JSON.parse(r.rules) : r.rules),
  recommendations: r.recommendations == null ? null : recommendationBlock.parse(typeof r.recommendations === 'string' ? JSON.parse(r.recommendations) : r.recommendations),
  variants: placementVariant.array().parse(typeof r.variants === 'string' ? JSON.parse(r.variants) : (r.variants ?? [])),
  variantWinner: r.variant_winner,
  updatedAt: new Date(r.updated_at).toISOString(),
});

export async function listPlacements(app: App, workspaceId: string): Promise<Placement[]> {
  const rows = await app.postgres.db.selectFrom('onsite_placements').selectAll().where('workspace_id', '=', workspaceId).orderBy('priority', 'desc').orderBy('name').execute();
  return rows.map(toPlacement);
}

export async function getPlacement(app: App, workspaceId: string, id: string): Promise<Placement | null> {
  const row = await app.postgres.db.selectFrom('onsite_placements').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toPlacement(row) : null;
}

/** Parses and checks a draft: schema, liquid syntax, segments of this workspace. */
export async function checkPlacement(app: App, workspaceId: string, raw: unknown): Promise<z.output<typeof placementInput>> {
  const parsed = placementInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PlacementError(issue.path.join('.') || 'placement', issue.message);
  }
  const input = parsed.data;
  const issues = await validateTemplate({ channel: 'onsite', subject: '', body: input.content || ' ', url: input.href });
  const first = issues[0];
  if (first) throw new PlacementError(first.field === 'url' ? 'href' : 'content', `${first.line ? `line ${first.line}: ` : ''}${first.message}`);
  for (const [i, v] of input.variants.entries()) {
    if (v.control || (!v.content && !v.href)) continue;
    const [bad] = await validateTemplate({ channel: 'onsite', subject: '', body: v.content || ' ', url: v.href });
    if (bad) throw new PlacementError(`variants.${i}.${bad.field === 'url' ? 'href' : 'content'}`, `${bad.line ? `line ${bad.line}: ` : ''}${bad.message}`);
  }
  for (const [i, id] of input.rules.segments.entries()) {
    if (!(await getSegment(app, workspaceId, id))) throw new PlacementError(`rules.segments[${i}]`, `no segment ${id} in this workspace`);
  }
  return input;
}

export async function savePlacement(app: App, workspaceId: string, raw: unknown): Promise<Placement> {
  const input = await checkPlacement(app, workspaceId, raw);
  const db = app.postgres.db;
  const clash = await db
    .selectFrom('onsite_placements')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', input.name)
    .$if(!!input.id, (q) => q.where('id', '!=', input.id!))
    .executeTakeFirst();
  if (clash) throw new PlacementError('name', `a placement named "${input.name}" already exists`);
  const values = { name: input.name, kind: input.kind, active: input.active, priority: input.priority, content: input.content, target: input.target, href: input.href, rules: JSON.stringify(input.rules), recommendations: input.recommendations ? JSON.stringify(input.recommendations) : null, variants: JSON.stringify(input.variants) };
  let row;
  if (input.id) {
    // A decided experiment stays decided while its winner is still one of the variants.
    const winnerKept = sql<string | null>`CASE WHEN variant_winner IN (SELECT jsonb_array_elements_text(${JSON.stringify(input.variants.map((v) => v.name))}::jsonb)) THEN variant_winner END`;
    row = await db.updateTable('onsite_placements').set({ ...values, variant_winner: winnerKept, updated_at: new Date() }).where('id', '=', input.id).where('workspace_id', '=', workspaceId).returningAll().executeTakeFirst();
    if (!row) throw new PlacementError('id', `no placement ${input.id} in this workspace`);
  } else {
    row = await db
      .insertInto('onsite_placements')
      .values({ id: `plc_${randomUUID().replace(/-/g, '').slice(0, 20)}`, workspace_id: workspaceId, ...values })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  forgetActive(app, workspaceId);
  return toPlacement(row);
}

/**
 * Decides a placement's experiment (the experiments domain calls this when a winner is picked or the
 * experiment stops): from now on everyone sees `variant`, and a control winner means nobody sees it.
 */
export async function setPlacementWinner(app: App, workspaceId: string, id: string, variant: string): Promise<void> {
  await app.postgres.db.updateTable('onsite_placements').set({ variant_winner: variant, updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  forgetActive(app, workspaceId);
}

/**
 * New weights for a placement's variants (by name; a variant not named keeps its own), as a bandit
 * sets them: everyone not yet exposed is assigned by them from the next decide on.
 */
export async function setPlacementVariantWeights(app: App, workspaceId: string, id: string, weights: Record<string, number>): Promise<void> {
  const p = await getPlacement(app, workspaceId, id);
  if (!p || p.variants.length < 2) return;
  const variants = p.variants.map((v) => ({ ...v, weight: Math.min(1000, Math.max(0.01, weights[v.name] ?? v.weight)) }));
  await app.postgres.db.updateTable('onsite_placements').set({ variants: JSON.stringify(variants), updated_at: new Date() }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  forgetActive(app, workspaceId);
}

export async function deletePlacement(app: App, workspaceId: string, id: string): Promise<boolean> {
  // Rows returned rather than the driver's count: PGlite's driver reports none for a delete.
  const deleted = await app.postgres.db.deleteFrom('onsite_placements').where('workspace_id', '=', workspaceId).where('id', '=', id).returning('id').execute();
  forgetActive(app, workspaceId);
  return deleted.length > 0;
}

/**
 * Decide reads a workspace's active placements on every page view: they are cached for a few
 * seconds per process. A save clears every process's copy (cross-process invalidation); the TTL
 * bounds staleness only while a process misses those messages.
 */
const activeTtlMs = 5_000;
type Cached = { at: number; value: Promise<Placement[]>; refreshing?: boolean };

declare module '../app-handle' {
  interface Services {
    /** Active placements per workspace, for decide (built in `createServices`). */
    placementCache: TopicCache<Cached>;
  }
}

function forgetActive(app: App, workspaceId: string): void {
  app.invalidation.publish(topics.placements, workspaceId);
}

export function activePlacements(app: App, workspaceId: string): Promise<Placement[]> {
  const cache = app.services.placementCache.entries;
  const hit = cache.get(workspaceId);
  const now = Date.now();
  const load = () => {
    const entry: Cached = { at: Date.now(), value: listPlacements(app, workspaceId).then((all) => all.filter((p) => p.active)) };
    return entry;
  };
  if (!hit) {
    const entry = load();
    entry.value.catch(() => cache.get(workspaceId) === entry && cache.delete(workspaceId));
    cache.set(workspaceId, entry);
    return entry.value;
  }
  // Stale: answer from the old copy while one refresh runs, so no request waits on PostgreSQL.
  if (now - hit.at >= activeTtlMs && !hit.refreshing) {
    hit.refreshing = true;
    const entry = load();
    entry.value.then(
      () => cache.get(workspaceId) === hit && cache.set(workspaceId, entry),
      () => (hit.refreshing = false),
    );
  }
  return hit.value;
}
