import type { Kysely } from 'kysely';
import type { Database } from '../stores/postgres';
import { hashToken, randomToken } from '../workspaces/keys';

export const sessionCookie = 'overture_session';
const lifetimeMs = 14 * 24 * 3600 * 1000;

export async function createSession(db: Kysely<Database>, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(43);
  const expiresAt = new Date(Date.now() + lifetimeMs);
  await db.insertInto('sessions').values({ token_hash: hashToken(token), user_id: userId, expires_at: expiresAt }).execute();
  return { token, expiresAt };
}

export async function userOfSession(db: Kysely<Database>, token: string): Promise<{ id: string; email: string } | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email'])
    .where('sessions.token_hash', '=', hashToken(token))
    .where('sessions.expires_at', '>', new Date())
    .executeTakeFirst();
  return row ?? null;
}

export async function deleteSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

export function sessionCookieHeader(token: string, expiresAt: Date, secure: boolean): string {
  return `${sessionCookie}=${token}; Path=/; HttpOnly; SameSite=Lax; Expires=${expiresAt.toUTCString()}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(): string {
  return `${sessionCookie}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** Ends every session of a user but the one given (after a password change, a thief's session ends too). */
export async function deleteOtherSessions(db: Kysely<Database>, userId: string, keepToken: string | null): Promise<number> {
  const ended = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(keepToken !== null, (q) => q.where('token_hash', '!=', hashToken(keepToken!)))
    .returning('token_hash')
    .execute();
  return ended.length;
}
