import type { App } from '../app-handle';
import { featuresOfProfiles, summaryOf, type ProfileSummary } from './profile';
import { profileFacts } from './profile-facts';

/**
 * Many profiles' summaries in two queries (a journey's concurrent steps share them), fields as
 * `getProfile` gives them. A profile no id links to any more (merged away, erased) is absent.
 */
export async function profileSummaries(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, ProfileSummary>> {
  const [facts, features] = await Promise.all([profileFacts(app, workspaceId, profileIds), featuresOfProfiles(app, workspaceId, profileIds)]);
  return new Map(facts.map(({ profileId, traits }) => [profileId, summaryOf(profileId, traits, features.get(profileId) ?? null)]));
}
