import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { journeyDefinitionSchema, validateJourney, type JourneyDefinition, type PublishedJourney, type ValidationIssue } from '@overture/journeys';
import type { Database } from '../stores/postgres';

export type JourneyStatus = 'draft' | 'published' | 'paused' | 'archived';

export class JourneyError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT',
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

export interface JourneySummary {
  id: string;
  name: string;
  status: JourneyStatus;
  publishedVersion: number | null;
  entered: number;
  updatedAt: Date;
}

const summary = (r: { id: string; name: string; status: JourneyStatus; published_version: number | null; entered: string | number; updated_at: Date }): JourneySummary => ({
  id: r.id,
  name: r.name,
  status: r.status,
  publishedVersion: r.published_version,
  entered: Number(r.entered),
  updatedAt: r.updated_at,
});

const cols = ['id', 'name', 'status', 'published_version', 'entered', 'updated_at'] as const;

export async function listJourneys(db: Kysely<Database>, workspaceId: string, options: { includeArchived?: boolean } = {}): Promise<JourneySummary[]> {
  let q = db.selectFrom('journeys').select(cols).where('workspace_id', '=', workspaceId);
  if (!options.includeArchived) q = q.where('status', '!=', 'archived');
  const rows = await q.orderBy('updated_at', 'desc').execute();
  return rows.map(summary);
}

/** A draft may be incomplete: it is stored as given and validated on publish (the builder shows issues inline). */
export async function createJourney(db: Kysely<Database>, workspaceId: string, name: string, draft: unknown): Promise<JourneySummary> {
  const row = await db
    .insertInto('journeys')
    .values({ id: `j_${randomUUID().replaceAll('-', '').slice(0, 20)}`, workspace_id: workspaceId, name, status: 'draft', draft: JSON.stringify(draft ?? {}) })
    .returning(cols)
    .executeTakeFirstOrThrow();
  return summary(row);
}

async function owned(db: Kysely<Database>, workspaceId: string, journeyId: string) {
  const row = await db.selectFrom('journeys').selectAll().where('id', '=', journeyId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  if (!row) throw new JourneyError(`journey ${journeyId} not found`, 'NOT_FOUND');
  return row;
}

export async function getJourney(db: Kysely<Database>, workspaceId: string, journeyId: string) {
  const row = await owned(db, workspaceId, journeyId);
  const versions = await db.selectFrom('journey_versions').select(['version', 'created_at']).where('journey_id', '=', journeyId).orderBy('version').execute();
  const validation = validateJourney(row.draft);
  // The live version, so the builder can tell whether the draft has changes to publish.
  const live = row.published_version
    ? await db.selectFrom('journey_versions').select('definition').where('journey_id', '=', journeyId).where('version', '=', row.published_version).executeTakeFirst()
    : undefined;
  return {
    ...summary(row),
    draft: row.draft,
    live: (live?.definition ?? null) as JourneyDefinition | null,
    issues: validation.ok ? [] : validation.issues,
    versions: versions.map((v) => ({ version: v.version, createdAt: v.created_at })),
  };
}

/** Editing never touches a published version: the draft becomes version n+1 when published. */
export async function saveDraft(db: Kysely<Database>, workspaceId: string, journeyId: string, draft: unknown, name?: string) {
  const row = await owned(db, workspaceId, journeyId);
  if (row.status === 'archived') throw new JourneyError('an archived journey cannot be edited', 'CONFLICT');
  await db.updateTable('journeys').set({ draft: JSON.stringify(draft), ...(name ? { name } : {}), updated_at: new Date() }).where('id', '=', journeyId).execute();
  const validation = validateJourney(draft);
  return { issues: validation.ok ? [] : validation.issues };
}

export async function publishJourney(db: Kysely<Database>, workspaceId: string, journeyId: string): Promise<{ version: number }> {
  const row = await owned(db, workspaceId, journeyId);
  if (row.status === 'archived') throw new JourneyError('an archived journey cannot be published', 'CONFLICT');
  const validation = validateJourney(row.draft);
  if (!validation.ok) throw new JourneyError(validation.issues.map((i) => i.message).join('; '), 'BAD_REQUEST', validation.issues);
  return db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom('journeys').select('published_version').where('id', '=', journeyId).forUpdate().executeTakeFirstOrThrow();
    const version = (locked.published_version ?? 0) + 1;
    await trx.insertInto('journey_versions').values({ journey_id: journeyId, version, definition: JSON.stringify(validation.definition) }).execute();
    await trx.updateTable('journeys').set({ status: 'published', published_version: version, updated_at: new Date() }).where('id', '=', journeyId).execute();
    return { version };
  });
}

const transitions: Record<'pause' | 'resume' | 'archive', { from: JourneyStatus[]; to: JourneyStatus }> = {
  pause: { from: ['published'], to: 'paused' },
  resume: { from: ['paused'], to: 'published' },
  archive: { from: ['draft', 'published', 'paused'], to: 'archived' },
};

/** Paused: no new entries, profiles in flight carry on. Archived: in-flight runs end at their next step. */
export async function setJourneyStatus(db: Kysely<Database>, workspaceId: string, journeyId: string, action: keyof typeof transitions): Promise<JourneyStatus> {
  const row = await owned(db, workspaceId, journeyId);
  const t = transitions[action];
  if (!t.from.includes(row.status)) throw new JourneyError(`cannot ${action} a ${row.status} journey`, 'CONFLICT');
  await db.updateTable('journeys').set({ status: t.to, updated_at: new Date() }).where('id', '=', journeyId).execute();
  return t.to;
}

/** The live version of every published journey of a workspace (what triggers enter). */
export async function publishedJourneys(db: Kysely<Database>, workspaceId: string): Promise<PublishedJourney[]> {
  const rows = await db
    .selectFrom('journeys')
    .innerJoin('journey_versions', (j) => j.onRef('journey_versions.journey_id', '=', 'journeys.id').onRef('journey_versions.version', '=', 'journeys.published_version'))
    .select(['journeys.id', 'journeys.workspace_id', 'journey_versions.version', 'journey_versions.definition'])
    .where('journeys.workspace_id', '=', workspaceId)
    .where('journeys.status', '=', 'published')
    .execute();
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, version: r.version, definition: journeyDefinitionSchema.parse(r.definition) as JourneyDefinition }));
}

/** Every version still running somewhere, for goals and wait-for-event of profiles on older versions. */
export async function runningVersions(db: Kysely<Database>, workspaceId: string): Promise<PublishedJourney[]> {
  const rows = await db
    .selectFrom('journey_versions')
    .innerJoin('journeys', 'journeys.id', 'journey_versions.journey_id')
    .select(['journeys.id', 'journeys.workspace_id', 'journey_versions.version', 'journey_versions.definition'])
    .where('journeys.workspace_id', '=', workspaceId)
    .where('journeys.status', '!=', 'archived')
    .execute();
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspace_id, version: r.version, definition: journeyDefinitionSchema.parse(r.definition) as JourneyDefinition }));
}
