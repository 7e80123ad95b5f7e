// Proactive service messages: ready journeys for service moments and signed one-click action links.
export { serviceJourneyTemplates, createServiceJourney, ServiceTemplateNotFound, type ServiceJourneyTemplate } from './catalog';
export { actionLinks, signAction, verifyAction, serviceActions, serverAuth, type ActionClaims } from '../templates/action-links';
export { getActionPolicy, saveActionPolicy, actionPolicySchema, type ActionPolicy } from './policy';
export { performAction, inspectAction, type ActionResult } from './actions';
export { serviceMessageRoutes } from './http';
export { recentActions } from './history';
export { eraseServiceData } from './erase';
// Its tables join the store's Database type wherever the domain is imported.
export type * from './tables';
