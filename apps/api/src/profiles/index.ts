import type { App } from '../app-handle';
import { resolveLinks } from './identity';

export type { ProfileView } from './profile';
export { getProfile, isInSegment, findProfileId, searchProfiles } from './profile';
export { profileLabels, type ProfileLabel } from './labels';
export { timeline, type TimelineItem, type TimelinePage } from './timeline';
export { eraseProfile, exportProfile, type EraseResult, type ProfileEraser } from './erase';
export { recomputeFeatures, refreshChangedFeatures, scheduledFeaturePass, refreshProfileFeatures, fullPassEveryMs } from './features';
export { consumeProfileEvents, type AfterProfilesRefreshed } from './consumer';
export { profileRoutes } from './http';
export { rfmSegments, type RfmSegment } from './features-sql';
export { profileIdFor } from './ids';

/** The profile a person's ids belong to (creating it on first sight). */
export async function resolveProfileId(app: App, workspaceId: string, ids: { userId?: string; anonymousId?: string }): Promise<string> {
  const id = ids.userId || ids.anonymousId;
  if (!id) throw new Error('resolveProfileId needs a userId or an anonymousId');
  const { profileOf } = await resolveLinks(app, workspaceId, [{ userId: ids.userId || undefined, anonymousId: ids.anonymousId || undefined }]);
  return profileOf.get(id)!;
}
export { identifiedProfiles } from './activity';
export { hasPerformed, setTrait, profilesWithTrait } from './lookups';
export { firstLinkedIds } from './linked-ids';
export { profileFacts, profileIdsAfter, profileFactsChanged, type ProfileFacts, type FactsChange, type FactsListener } from './profile-facts';
