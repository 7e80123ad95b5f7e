import type { App } from '../app-handle';
import { featuresOfProfiles, rfmOf, type ProfileView } from './profile';
import { profileFacts } from './profile-facts';

/** What sending to a profile needs of it: no page statistics, merge history or segment names. */
export type ProfileSummary = Pick<ProfileView, 'id' | 'traits' | 'email' | 'timezone' | 'features' | 'rfm'>;

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/**
 * Many profiles' summaries in two queries (a journey's concurrent steps share them), fields as
 * `getProfile` gives them. A profile no id links to any more (merged away, erased) is absent.
 */
export async function profileSummaries(app: App, workspaceId: string, profileIds: string[]): Promise<Map<string, ProfileSummary>> {
  const [facts, features] = await Promise.all([profileFacts(app, workspaceId, profileIds), featuresOfProfiles(app, workspaceId, profileIds)]);
  const summaries = new Map<string, ProfileSummary>();
  for (const { profileId, traits } of facts) {
    const f = features.get(profileId) ?? null;
    summaries.set(profileId, { id: profileId, traits, email: str(traits.email) ?? str(f?.email), timezone: str(traits.timezone), features: f, rfm: rfmOf(f) });
  }
  return summaries;
}
