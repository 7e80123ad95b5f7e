import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths are limited to 107 bytes (sun_path); keep a margin. */
const maxSocketPath = 100;

/**
 * Where the Redis of an embedded start listens: a unix socket under the data dir, so two installs on
 * one machine never share a Redis (nothing listens on TCP). A data dir too deep for a socket path gets
 * a socket in the temp dir named after it instead; the data stays under the data dir either way.
 */
export function ownRedisSocketPath(dataDir: string): string {
  const inDataDir = join(dataDir, 'redis', 'redis.sock');
  if (Buffer.byteLength(inDataDir) <= maxSocketPath) return inDataDir;
  return join(tmpdir(), `overture-redis-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}.sock`);
}

export function ownRedisUrl(dataDir: string): string {
  return `unix://${ownRedisSocketPath(dataDir)}`;
}
