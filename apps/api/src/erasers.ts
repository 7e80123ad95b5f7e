import type { App } from './app-handle';
import { eraseProfile, type EraseResult, type ProfileEraser } from './profiles';
import { eraseJourneyData } from './journeys';
import { eraseOnsiteData } from './onsite';
import { eraseChannelData } from './channels';
import { eraseServiceData } from './service-messages';
import { eraseExperimentData } from './experiments';
import { eraseRecommendationData } from './recommendations';

/**
 * Every domain that holds rows about a person, beside the profile store itself (events, identities,
 * traits, features, segment membership and merges, erased by `eraseProfile`). One explicit list, so
 * that a GDPR erase does not depend on which modules happen to be imported; `erasers.test.ts` checks
 * it against every PostgreSQL and ClickHouse column that can hold a person's id.
 */
export const profileErasers: readonly ProfileEraser[] = [
  { name: 'journeys', erase: eraseJourneyData },
  { name: 'onsite', erase: eraseOnsiteData },
  { name: 'channels', erase: eraseChannelData },
  { name: 'service-messages', erase: eraseServiceData },
  { name: 'experiments', erase: eraseExperimentData },
  { name: 'recommendations', erase: eraseRecommendationData },
];

/** GDPR erase of a person (by profile, user or anonymous id) in every store. */
export function erasePerson(app: App, workspaceId: string, id: string, actor: string): Promise<EraseResult | null> {
  return eraseProfile(app, workspaceId, id, actor, profileErasers);
}
