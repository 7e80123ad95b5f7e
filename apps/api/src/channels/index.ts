// Public surface of the channel senders (email, web push) and their tracking.
export { sendEmail, sendTestEmail, messageIdFor, ChannelError, type EmailRequest, type EmailResult } from './email/send';
export { saveEmailSettings, getEmailSettings, emailSettingsInput, EmailSettingsError, type EmailSettings, type EmailSettingsInput } from './email/settings';
export { listSenders, saveSender, setDefaultSender, deleteSender, senderInput, SenderError, SenderNotFound, type Sender, type SenderInput } from './email/senders';
export { closeTransports } from './email/transport';
export { sendPush, type PushRequest, type PushResult, type PushPayload, type Urgency } from './push/send';
export { vapidKeysOf, setVapidSubject } from './push/vapid';
export { saveSubscription, removeSubscription, subscriptionsOf, pushSubscriptionInput } from './push/subscriptions';
export { blockedReason, setConsent, consentsOf, suppress } from './consent';
export { recordOutcomes, messageHistory, outcomeRowsSql, type MessageOutcome, type OutcomeKind, type MessageHistoryRow } from './outcomes';
export { sendVariant } from './variants';
export { messageExposuresWritten } from './exposures';
export { channelRoutes } from './routes';
export { eraseChannelData } from './erase';
// Its tables join the store's Database type wherever the domain is imported.
export type * from './tables';
