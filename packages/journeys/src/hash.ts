import { createHash } from 'node:crypto';

/** A stable number in [0, 1) for a key: the same profile and journey always land in the same bucket. */
export function hashUnit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}
