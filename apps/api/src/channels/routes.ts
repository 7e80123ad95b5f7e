import type { ExtraRoute } from '../kernel/http/route';
import { handleClick, handleFeedback, handleOpen, handlePreferencesPage, handleUnsubscribePost } from './email/tracking';
import { handlePushClick, handlePushResubscribe, handlePushUnsubscribe, handleSubscribe, handleVapidKey } from './push/http';
import { servePushModule, servePushWorker } from './push/assets';

/** Tracking links (`/t/...`), provider feedback and push subscriptions (`/v1/...` get CORS from the server). */
export const channelRoutes: ExtraRoute[] = [
  { method: 'GET', path: '/t/o/', handler: handleOpen },
  { method: 'GET', path: '/t/c/', handler: handleClick },
  { method: 'GET', path: '/t/u/', handler: handlePreferencesPage },
  // One-click unsubscribe is posted cross-site by mailbox providers.
  { method: 'POST', path: '/t/u/', handler: handleUnsubscribePost, cors: true },
  { method: 'POST', path: '/v1/email/feedback', handler: handleFeedback },
  { method: 'POST', path: '/v1/push/subscribe', handler: handleSubscribe, cors: true },
  { method: 'POST', path: '/v1/push/unsubscribe', handler: handlePushUnsubscribe, cors: true },
  { method: 'POST', path: '/v1/push/resubscribe', handler: handlePushResubscribe, cors: true },
  { method: 'GET', path: '/v1/push/vapid-key', handler: handleVapidKey, cors: true },
  { method: 'POST', path: '/v1/push/click', handler: handlePushClick, cors: true },
  // Listed before the SDK's `/sdk/` prefix route (http/routes.ts), which would answer 404.
  { method: 'GET', path: '/sdk/push.js', handler: servePushModule },
  { method: 'GET', path: '/sdk/push-sw.js', handler: servePushWorker },
];
