import { z } from 'zod';
import { messageStats } from '../../journeys/message-stats';
import { router, workspaceProcedure } from '../trpc';

export const messagesRouter = router({
  /** Sent, delivered, opened, clicked, bounced, unsubscribed and converted per template or per journey. */
  analytics: workspaceProcedure
    .input(z.object({ by: z.enum(['template', 'journey']), days: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => messageStats(ctx.app, ctx.workspaceId, input.by, new Date(Date.now() - input.days * 86_400_000))),
});
