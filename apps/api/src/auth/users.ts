import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, User } from '../stores/postgres';
import { hashPassword, verifyPassword } from './passwords';

export const emailSchema = z.email().max(320).transform((e) => e.toLowerCase());
export const passwordSchema = z.string().min(8, 'Password must be at least 8 characters').max(1024);

export class UserExistsError extends Error {}

export async function createUser(db: Kysely<Database>, email: string, password: string): Promise<User> {
  const normalized = emailSchema.parse(email);
  passwordSchema.parse(password);
  const existing = await db.selectFrom('users').select('id').where('email', '=', normalized).executeTakeFirst();
  if (existing) throw new UserExistsError(`A user with email ${normalized} already exists`);
  return db
    .insertInto('users')
    .values({ id: randomUUID(), email: normalized, password_hash: await hashPassword(password) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

const unusableHash = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Returns the user when the password matches. The same work is done for unknown emails and for
 * accounts that cannot sign in (no scrypt hash), so the answer's timing tells nothing about them.
 */
export async function authenticate(db: Kysely<Database>, email: string, password: string): Promise<User | null> {
  const user = await findUserByEmail(db, email);
  const usable = user?.password_hash.startsWith('scrypt$') ?? false;
  const ok = await verifyPassword(password, usable ? user!.password_hash : unusableHash);
  return user && usable && ok ? user : null;
}

/** Replaces the password of a user; the caller has checked the current one. */
/** The account stays, but no password signs in to it (an unusable hash). */
export async function disablePassword(db: Kysely<Database>, userId: string, marker: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: `disabled:${marker}` }).where('id', '=', userId).execute();
}

export async function setPassword(db: Kysely<Database>, userId: string, password: string): Promise<void> {
  passwordSchema.parse(password);
  const hash = await hashPassword(password);
  await db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
}
