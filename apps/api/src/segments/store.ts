import { randomUUID } from 'node:crypto';
import type { App } from '../app-handle';
import { conditionSchema, referencedSegments, segmentInput, type Condition, type SegmentInput } from './schema';

export interface Segment {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  definition: Condition;
  version: number;
  computedVersion: number | null;
  refreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A segment definition the caller got wrong; `field` names where. */
export class SegmentError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

type Row = {
  id: string;
  workspace_id: string;
  name: string;
  description: string;
  definition: unknown;
  version: number;
  computed_version: number | null;
  refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

function toSegment(r: Row): Segment {
  const definition = typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition;
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    description: r.description,
    definition: conditionSchema.parse(definition),
    version: r.version,
    computedVersion: r.computed_version,
    refreshedAt: r.refreshed_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const columns = ['id', 'workspace_id', 'name', 'description', 'definition', 'version', 'computed_version', 'refreshed_at', 'created_at', 'updated_at'] as const;

export async function listSegments(app: App, workspaceId: string): Promise<Segment[]> {
  const rows = await app.postgres.db.selectFrom('segments').select(columns).where('workspace_id', '=', workspaceId).orderBy('name').execute();
  return rows.map((r) => toSegment(r as Row));
}

export async function getSegment(app: App, workspaceId: string, id: string): Promise<Segment | null> {
  const row = await app.postgres.db.selectFrom('segments').select(columns).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row ? toSegment(row as Row) : null;
}

/** Segments referenced by a definition must exist in the workspace and must not lead back to `selfId`. */
async function checkReferences(app: App, workspaceId: string, definition: Condition, selfId?: string): Promise<void> {
  const all = new Map((await listSegments(app, workspaceId)).map((s) => [s.id, s]));
  const stack = referencedSegments(definition);
  const seen = new Set<string>();
  for (const id of stack) if (!all.has(id)) throw new SegmentError('definition', `refers to segment ${id}, which does not exist in this workspace`);
  while (stack.length) {
    const id = stack.pop()!;
    if (id === selfId) throw new SegmentError('definition', 'segments may not refer to themselves, directly or through others');
    if (seen.has(id)) continue;
    seen.add(id);
    const s = all.get(id);
    if (s) stack.push(...referencedSegments(s.definition));
  }
}

async function nameTaken(app: App, workspaceId: string, name: string, exceptId?: string): Promise<boolean> {
  let q = app.postgres.db.selectFrom('segments').select('id').where('workspace_id', '=', workspaceId).where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return Boolean(await q.executeTakeFirst());
}

export async function createSegment(app: App, workspaceId: string, raw: unknown): Promise<Segment> {
  const input = parseInput(raw);
  await checkReferences(app, workspaceId, input.definition);
  if (await nameTaken(app, workspaceId, input.name)) throw new SegmentError('name', `a segment named "${input.name}" already exists`);
  const id = `seg_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await app.postgres.db
    .insertInto('segments')
    .values({ id, workspace_id: workspaceId, name: input.name, description: input.description, definition: JSON.stringify(input.definition), computed_version: null, refreshed_at: null })
    .execute();
  return (await getSegment(app, workspaceId, id))!;
}

export async function updateSegment(app: App, workspaceId: string, id: string, raw: unknown): Promise<Segment> {
  const current = await getSegment(app, workspaceId, id);
  if (!current) throw new SegmentError('id', `no segment ${id} in this workspace`);
  const input = parseInput(raw);
  await checkReferences(app, workspaceId, input.definition, id);
  if (await nameTaken(app, workspaceId, input.name, id)) throw new SegmentError('name', `a segment named "${input.name}" already exists`);
  await app.postgres.db
    .updateTable('segments')
    .set({ name: input.name, description: input.description, definition: JSON.stringify(input.definition), version: current.version + 1, updated_at: new Date() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  return (await getSegment(app, workspaceId, id))!;
}

export async function deleteSegment(app: App, workspaceId: string, id: string): Promise<void> {
  const users = (await listSegments(app, workspaceId)).filter((s) => referencedSegments(s.definition).includes(id));
  if (users.length) throw new SegmentError('id', `segment is used by ${users.map((s) => `"${s.name}"`).join(', ')}`);
  await app.postgres.db.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
  await app.clickhouse.command({
    query: `DELETE FROM segment_members WHERE workspace_id = {ws:String} AND segment_id = {id:String}`,
    query_params: { ws: workspaceId, id },
  });
}

export async function markComputed(app: App, segment: Segment, size: number): Promise<void> {
  await app.postgres.db
    .updateTable('segments')
    .set({ computed_version: segment.version, refreshed_at: new Date(), size })
    .where('workspace_id', '=', segment.workspaceId)
    .where('id', '=', segment.id)
    .execute();
}

export function parseInput(raw: unknown): SegmentInput {
  const parsed = segmentInput.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SegmentError(issue.path.join('.') || 'input', issue.message);
  }
  return parsed.data;
}

/** Dependencies first, so a segment built on another sees its fresh membership. */
export function refreshOrder(segments: Segment[]): Segment[] {
  const byId = new Map(segments.map((s) => [s.id, s]));
  const out: Segment[] = [];
  const done = new Set<string>();
  const visit = (s: Segment) => {
    if (done.has(s.id)) return;
    done.add(s.id);
    for (const dep of referencedSegments(s.definition)) {
      const d = byId.get(dep);
      if (d) visit(d);
    }
    out.push(s);
  };
  segments.forEach(visit);
  return out;
}
