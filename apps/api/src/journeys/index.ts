// Public surface of the journeys domain inside the API (the bench and the worker use it).
export { createJourneyRuntime, type JourneyRuntime, type JourneyRuntimeOptions } from './runtime';
export { journeyRuntimeOf, useJourneyRuntime, consumeEventsForJourneys, startJourneyServices, decideSplitsWith } from './services';
export { consumeJourneyEvents, convertRuns, resumeWaiting } from './consumer';
export { runScheduledTriggers } from './scheduled';
export { createJourney, getJourney, listJourneys, publishJourney, publishedJourneys, saveDraft, setJourneyStatus, JourneyError, type JourneySummary } from './journeys';
export { journeyOverview, type JourneyOverview } from './overview';
export { conversionTotals, journeyMetrics, journeyTimeline, type JourneyMetrics, type NodeMetrics, type TimelineEntry } from './metrics';
export { getJourneySettings, saveJourneySettings, journeySettingsSchema, type JourneySettings } from './settings';
export { basicReachability } from './channels';
export { SignedWebhookCaller, signWebhook, webhookSecret, hostAllowed } from './webhook';
export { appProfiles, toProfileView, type ProfileDirectory, type ProfilesContract } from './profiles';
export { PostgresRunStore } from './run-store';
export { eraseJourneyData } from './erase';
export { channelsFor, EmailChannel, WebPushChannel } from './senders';
export { messageStats, messagesByChannel, type MessageStats } from './message-stats';
// Its tables join the store's Database type wherever the domain is imported.
export type * from './tables';
export { createCampaign, listCampaigns, type Campaign, type CampaignInput } from './campaigns';
