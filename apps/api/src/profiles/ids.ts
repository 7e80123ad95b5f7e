import { createHash } from 'node:crypto';

/**
 * A profile's id is derived from the first distinct id it was seen with, so the profile of a new
 * person is the same whether the real-time path or a full backfill creates it, and retries are
 * idempotent. The SQL twin below must stay identical.
 */
export function profileIdFor(workspaceId: string, distinctId: string): string {
  return `p_${createHash('sha1').update(`${workspaceId}\u0000${distinctId}`).digest('hex').slice(0, 24)}`;
}

/** `profileIdFor` in ClickHouse SQL over the given column expressions. */
export const profileIdSql = (workspaceExpr: string, distinctExpr: string) =>
  `concat('p_', substring(lower(hex(SHA1(concat(${workspaceExpr}, '\\0', ${distinctExpr})))), 1, 24))`;

export const isProfileId = (id: string) => /^p_[0-9a-f]{24}$/.test(id);
