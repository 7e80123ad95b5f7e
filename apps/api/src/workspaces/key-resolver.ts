import type { Kysely } from 'kysely';
import type { Database } from '../stores/postgres';
import { hashToken } from './keys';

export interface ResolvedKey {
  workspaceId: string;
  kind: 'write' | 'secret';
}

/**
 * Key look-ups sit on the ingest hot path, so answers (including "unknown") are cached
 * briefly; a revoked key stops working within `ttlMs`.
 */
export class KeyResolver {
  #cache = new Map<string, { value: ResolvedKey | null; expires: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs = 30_000,
  ) {}

  async resolve(token: string): Promise<ResolvedKey | null> {
    const now = Date.now();
    const hit = this.#cache.get(token);
    if (hit && hit.expires > now) return hit.value;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['workspace_id', 'kind'])
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const value = row ? { workspaceId: row.workspace_id, kind: row.kind } : null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(token, { value, expires: now + (value ? this.ttlMs : 2_000) });
    return value;
  }
}
