import { z } from 'zod';
import { countsByType, eventTotals, latestEvents } from '../../events/queries';
import { router, workspaceProcedure } from '../trpc';

const filter = z.object({
  type: z.string().max(32).optional(),
  event: z.string().max(255).optional(),
});

export const eventsRouter = router({
  latest: workspaceProcedure
    .input(filter.extend({ limit: z.number().int().min(1).max(500).default(50), fromLibrary: z.boolean().optional() }))
    .query(({ ctx, input }) => latestEvents(ctx.app.clickhouse, ctx.workspaceId, input.limit, input)),

  counts: workspaceProcedure
    .input(filter.extend({ hours: z.number().int().min(1).max(24 * 400).default(24), buckets: z.number().int().min(1).max(500).default(48), to: z.iso.datetime().optional() }))
    .query(({ ctx, input }) => {
      const to = input.to ? new Date(input.to) : new Date();
      const from = new Date(to.getTime() - input.hours * 3600_000);
      const bucketSeconds = Math.max(60, Math.ceil((input.hours * 3600) / input.buckets));
      return countsByType(ctx.app.clickhouse, ctx.workspaceId, { from, to, bucketSeconds, filter: input });
    }),

  totals: workspaceProcedure.query(({ ctx }) => eventTotals(ctx.app.clickhouse, ctx.workspaceId)),
});
