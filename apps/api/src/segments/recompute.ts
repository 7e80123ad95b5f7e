import type { App } from '../app-handle';
import { profileFactsChanged, recomputeFeatures, refreshChangedFeatures, scheduledFeaturePass } from '../profiles';
import { refreshChangedSegments, refreshWorkspaceSegments } from './refresh';

export interface RecomputeResult {
  workspaceId: string;
  pass: 'full' | 'incremental';
  /** Profiles the feature pass recomputed; null for a full pass (every one). */
  profiles: number | null;
  featuresMs: number;
  segmentsMs: number;
  /** Of `segmentsMs`, the time other domains' copies of profile facts (decide's view) took to catch up. */
  copiesMs: number;
}

/**
 * Which feature pass runs: `full` recomputes every profile, `incremental` only those touched since
 * the last pass, `scheduled` is incremental unless the last full pass is a day old.
 */
export type RecomputePass = 'full' | 'incremental' | 'scheduled';

/**
 * A refresh of a workspace: identities, traits, features and RFM, then segments: every one in full
 * after a full pass; after an incremental pass, those whose members move with time alone in full and
 * the others for the profiles the pass rewrote (touched, or re-ranked by others' orders).
 */
export async function recomputeWorkspace(app: App, workspaceId: string, pass: RecomputePass = 'full'): Promise<RecomputeResult> {
  const t0 = performance.now();
  const features = pass === 'full' ? await recomputeFeatures(app, workspaceId) : pass === 'incremental' ? await refreshChangedFeatures(app, workspaceId) : await scheduledFeaturePass(app, workspaceId);
  const t1 = performance.now();
  // The backfill may have linked ids and set traits no real-time step saw (an import): copies of the
  // profiles the pass recomputed, or whose events arrived in a full pass's window, are rewritten.
  // Segments refreshed in full tell the copies of their transitions themselves.
  let t2: number;
  if (features.pass === 'full') {
    await refreshWorkspaceSegments(app, workspaceId);
    t2 = performance.now();
    await profileFactsChanged(app, workspaceId, { recomputed: features.touched ?? null });
  } else {
    const touched = features.touched ?? [];
    const moved = await refreshChangedSegments(app, workspaceId, [...new Set([...touched, ...(features.rescored ?? [])])]);
    t2 = performance.now();
    await profileFactsChanged(app, workspaceId, { profileIds: [...new Set([...touched, ...moved])] });
  }
  const t3 = performance.now();
  return { workspaceId, pass: features.pass, profiles: features.profiles, featuresMs: t1 - t0, segmentsMs: t3 - t1, copiesMs: t3 - t2 };
}
