import { z } from 'zod';
import { productHistory, searchProducts } from '../../catalog';
import { router, workspaceProcedure } from '../trpc';

export const catalogRouter = router({
  search: workspaceProcedure
    .input(z.object({ search: z.string().max(200).optional(), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).max(1_000_000).default(0) }))
    .query(({ ctx, input }) => searchProducts(ctx.app.clickhouse, ctx.workspaceId, input)),

  history: workspaceProcedure
    .input(z.object({ productId: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => productHistory(ctx.app.clickhouse, ctx.workspaceId, input.productId)),
});
