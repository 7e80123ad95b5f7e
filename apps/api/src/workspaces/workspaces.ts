import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Workspace } from '../stores/postgres';
import { hashToken, newSecretKey, newWriteKey } from './keys';

export interface CreatedWorkspace {
  id: string;
  name: string;
  writeKey: string;
  secretKey: string;
}

export async function createWorkspace(db: Kysely<Database>, name: string, ownerUserId?: string): Promise<CreatedWorkspace> {
  const trimmed = name.trim();
  if (!trimmed) throw new Error('Workspace name must not be empty');
  const id = randomUUID();
  const writeKey = newWriteKey();
  const secretKey = newSecretKey();
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('workspaces').values({ id, name: trimmed }).execute();
    await tx
      .insertInto('api_keys')
      .values([
        { id: randomUUID(), workspace_id: id, kind: 'write', token: writeKey, token_hash: hashToken(writeKey), prefix: writeKey.slice(0, 7), revoked_at: null },
        { id: randomUUID(), workspace_id: id, kind: 'secret', token: null, token_hash: hashToken(secretKey), prefix: secretKey.slice(0, 7), revoked_at: null },
      ])
      .execute();
    if (ownerUserId) await tx.insertInto('memberships').values({ user_id: ownerUserId, workspace_id: id, role: 'owner' }).execute();
  });
  return { id, name: trimmed, writeKey, secretKey };
}

export async function createSecretKey(db: Kysely<Database>, workspaceId: string): Promise<string> {
  const secretKey = newSecretKey();
  await db
    .insertInto('api_keys')
    .values({ id: randomUUID(), workspace_id: workspaceId, kind: 'secret', token: null, token_hash: hashToken(secretKey), prefix: secretKey.slice(0, 7), revoked_at: null })
    .execute();
  return secretKey;
}

export async function allWorkspaceIds(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom('workspaces').select('id').execute()).map((w) => w.id);
}

export async function getWorkspace(db: Kysely<Database>, id: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findWorkspaceByName(db: Kysely<Database>, name: string): Promise<Workspace | undefined> {
  return db.selectFrom('workspaces').selectAll().where('name', '=', name).orderBy('created_at').executeTakeFirst();
}

export async function writeKeyOf(db: Kysely<Database>, workspaceId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select('token')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'write')
    .where('revoked_at', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.token ?? undefined;
}

export async function addMember(db: Kysely<Database>, userId: string, workspaceId: string, role: 'owner' | 'member' = 'member'): Promise<void> {
  await db
    .insertInto('memberships')
    .values({ user_id: userId, workspace_id: workspaceId, role })
    .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doNothing())
    .execute();
}

/** The user's role in the workspace, or undefined when they are not a member. */
export async function roleIn(db: Kysely<Database>, userId: string, workspaceId: string): Promise<'owner' | 'member' | undefined> {
  const row = await db.selectFrom('memberships').select('role').where('user_id', '=', userId).where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row?.role;
}

export async function workspacesOfUser(db: Kysely<Database>, userId: string): Promise<Array<{ id: string; name: string; role: string; currency: string; timeZone: string }>> {
  return db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'memberships.role', 'workspaces.currency', 'workspaces.time_zone as timeZone'])
    .where('memberships.user_id', '=', userId)
    .orderBy('workspaces.created_at')
    .execute();
}

/** ISO 4217 codes this runtime can format (Intl's list), for validating a workspace's currency. */
export const knownCurrencies: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export async function setCurrency(db: Kysely<Database>, workspaceId: string, currency: string): Promise<void> {
  if (!knownCurrencies.has(currency)) throw new Error(`currency: ${currency} is not an ISO 4217 code`);
  await db.updateTable('workspaces').set({ currency }).where('id', '=', workspaceId).execute();
}
