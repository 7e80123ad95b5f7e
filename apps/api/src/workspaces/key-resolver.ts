import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../stores/postgres';
import { hashToken } from './keys';

export interface ResolvedKey {
  workspaceId: string;
  kind: 'write' | 'secret';
}

/**
 * What our keys look like (`wk_` + 24 or `sk_` + 40 characters of [0-9A-Za-z]), with room to grow.
 * Anything else arrives from an attacker or a typo: it is refused before a look-up or a cache entry.
 */
const keyFormat = /^(?:wk|sk)_[0-9A-Za-z]{16,64}$/;

export function isWellFormedKey(token: string): boolean {
  return token.length <= 67 && keyFormat.test(token);
}

export interface KeyResolverOptions {
  /** How long a known key's answer is kept: a revoked key stops working within this time. */
  ttlMs?: number;
  /** How long "unknown" is kept for a well-formed key nobody holds. */
  negativeTtlMs?: number;
  /** Well-formed unknown keys remembered at most; the least recently presented go first. */
  maxUnknown?: number;
  /** Known keys kept at most (each workspace has a few). */
  maxKnown?: number;
}

/**
 * Key look-ups sit on the ingest hot path, so answers are cached briefly. Unknown keys cost a
 * stranger nothing to invent, so they live in a small LRU of their own and can never push out
 * the keys of real workspaces; entries are keyed by the key's hash, never by what was sent.
 */
export class KeyResolver {
  readonly #known: LRUCache<string, ResolvedKey>;
  readonly #unknown: LRUCache<string, true>;

  constructor(
    private readonly db: Kysely<Database>,
    options: KeyResolverOptions = {},
  ) {
    this.#known = new LRUCache({ max: options.maxKnown ?? 50_000, ttl: options.ttlMs ?? 30_000 });
    this.#unknown = new LRUCache({ max: options.maxUnknown ?? 1_000, ttl: options.negativeTtlMs ?? 2_000 });
  }

  /** Entries held, for tests and metrics. */
  get cacheSize(): { known: number; unknown: number } {
    return { known: this.#known.size, unknown: this.#unknown.size };
  }

  async resolve(token: string): Promise<ResolvedKey | null> {
    if (!isWellFormedKey(token)) return null;
    const hash = hashToken(token);
    const hit = this.#known.get(hash);
    if (hit) return hit;
    if (this.#unknown.has(hash)) return null;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['workspace_id', 'kind'])
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) {
      this.#unknown.set(hash, true);
      return null;
    }
    const value: ResolvedKey = { workspaceId: row.workspace_id, kind: row.kind };
    this.#known.set(hash, value);
    return value;
  }
}
