import { createHash } from 'node:crypto';

/** A stable number in [0, 1) for a key: the same profile and journey always land in the same bucket. */
export function hashUnit(...parts: string[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** 32-bit FNV-1a over the string's UTF-16 code units, exactly as GrowthBook's SDKs compute it. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    // h * 16777619 (the FNV prime) spelled as shifts, so the product stays within 32 bits.
    h += (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24);
  }
  return h >>> 0;
}

/**
 * Experiment assignment hash, GrowthBook's "v2": FNV-1a of the decimal text of FNV-1a(seed + value),
 * modulo 10 000, as a number in [0, 1). Hashing twice spreads sequential ids that plain FNV-1a
 * clusters. Same inputs, same bucket, on any process or SDK that implements it.
 */
export function experimentHash(seed: string, value: string): number {
  return (fnv1a32(String(fnv1a32(seed + value))) % 10_000) / 10_000;
}

/** The event an experiment exposure is logged as (properties: experiment, variant, context). */
export const experimentExposureEvent = '$experiment_exposure';

/** The experiment a journey's split node is: its key seeds the assignment hash and names its exposures. */
export const splitExperimentKey = (journeyId: string, nodeId: string) => `journey:${journeyId}:${nodeId}`;

/**
 * The variant a hash in [0, 1) falls in, for weights in order (any positive scale). GrowthBook's
 * bucket ranges: variant i owns [sum of weights before i, that + its weight) / total.
 */
export function variantForHash(u: number, weights: number[]): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i]! / total;
    if (u < acc) return i;
  }
  return weights.length - 1;
}

/** The experiment key of a workspace's global control group (its members get no marketing message). */
export const globalControlKey = (workspaceId: string) => `global-control:${workspaceId}`;

/** Whether a profile is in the workspace's global control group: a stable hash bucket, the same in every journey. */
export function inGlobalControl(workspaceId: string, profileId: string, percent: number): boolean {
  return percent > 0 && experimentHash(globalControlKey(workspaceId), profileId) < percent / 100;
}
