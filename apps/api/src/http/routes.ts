import type { ExtraRoute } from './server';
import { serveSdk } from '../sdk/serve';
import { profileRoutes } from '../profiles/http';
import { channelRoutes } from '../channels/routes';
import { onsiteRoutes } from '../onsite/http';
import { serviceMessageRoutes } from '../service-messages/http';
import { profileErasers } from '../erasers';
import { catalogRoutes } from '../catalog';
import { audienceExportRoutes } from './audience-export';
import { recommendationRoutes } from '../recommendations';

/** Raw HTTP routes of the domains beside ingestion and tRPC (SDK files, decide, tracking links...). */
export const extraRoutes: ExtraRoute[] = [...profileRoutes(profileErasers), ...channelRoutes, ...onsiteRoutes, ...serviceMessageRoutes, ...catalogRoutes, ...recommendationRoutes, ...audienceExportRoutes, { method: 'GET', path: '/sdk.js', handler: serveSdk }, { method: 'GET', path: '/sdk/', handler: serveSdk }];
