import { router } from './trpc';
import { authRouter } from './routers/auth';
import { workspacesRouter } from './routers/workspaces';
import { eventsRouter } from './routers/events';
import { installRouter } from './routers/install';
import { profilesRouter } from './routers/profiles';
import { segmentsRouter } from './routers/segments';
import { journeysRouter } from './routers/journeys';
import { templatesRouter } from './routers/templates';
import { channelsRouter } from './routers/channels';
import { onsiteRouter } from './routers/onsite';
import { serviceMessagesRouter } from './routers/serviceMessages';
import { messagesRouter } from './routers/messages';
import { catalogRouter } from './routers/catalog';
import { experimentsRouter } from './routers/experiments';
import { overviewRouter } from './routers/overview';
import { campaignsRouter } from './routers/campaigns';
import { recommendationsRouter } from './routers/recommendations';

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
  events: eventsRouter,
  install: installRouter,
  profiles: profilesRouter,
  segments: segmentsRouter,
  journeys: journeysRouter,
  templates: templatesRouter,
  channels: channelsRouter,
  onsite: onsiteRouter,
  serviceMessages: serviceMessagesRouter,
  messages: messagesRouter,
  catalog: catalogRouter,
  experiments: experimentsRouter,
  overview: overviewRouter,
  campaigns: campaignsRouter,
  recommendations: recommendationsRouter,
});

export type AppRouter = typeof appRouter;
