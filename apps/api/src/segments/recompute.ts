import type { App } from '../app-handle';
import { recomputeFeatures } from '../profiles/features';
import { profileFactsChanged } from '../profiles';
import { refreshWorkspaceSegments } from './refresh';

export interface RecomputeResult {
  workspaceId: string;
  featuresMs: number;
  segmentsMs: number;
}

/** The scheduled full refresh of a workspace: identities, traits, features, RFM, then every segment. */
export async function recomputeWorkspace(app: App, workspaceId: string): Promise<RecomputeResult> {
  const t0 = performance.now();
  await recomputeFeatures(app, workspaceId);
  const t1 = performance.now();
  await refreshWorkspaceSegments(app, workspaceId);
  // The backfill may have linked ids and set traits no real-time step saw: copies of every profile's facts are rebuilt.
  await profileFactsChanged(app, workspaceId, { workspace: true });
  return { workspaceId, featuresMs: t1 - t0, segmentsMs: performance.now() - t1 };
}
