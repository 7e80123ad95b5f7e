import { z } from 'zod';
import { workspaceOverview } from '../../overview';
import { router, workspaceProcedure } from '../trpc';

export const overviewRouter = router({
  /** The home page's headline numbers: this period against the one before. */
  get: workspaceProcedure
    .input(z.object({ days: z.number().int().min(1).max(365).default(30) }))
    .query(({ ctx, input }) => workspaceOverview(ctx.app, ctx.workspaceId, input.days)),
});
