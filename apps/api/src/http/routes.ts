import type { ExtraRoute } from './server';
import { serveSdk } from '../sdk/serve';
import { profileRoutes } from '../profiles/http';
import { channelRoutes } from '../channels/routes';

/** Raw HTTP routes of the domains beside ingestion and tRPC (SDK files, decide, tracking links...). */
export const extraRoutes: ExtraRoute[] = [...profileRoutes, ...channelRoutes, { method: 'GET', path: '/sdk.js', handler: serveSdk }, { method: 'GET', path: '/sdk/', handler: serveSdk }];
