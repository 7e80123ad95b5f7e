import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { catalogSettingsOf, catalogSettingsSchema, CatalogSettingsError, productHistory, searchProducts, setCatalogSettings } from '../../catalog';
import { router, workspaceProcedure } from '../trpc';

export const catalogRouter = router({
  search: workspaceProcedure
    .input(z.object({ search: z.string().max(200).optional(), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).max(1_000_000).default(0) }))
    .query(({ ctx, input }) => searchProducts(ctx.app.clickhouse, ctx.workspaceId, input)),

  history: workspaceProcedure
    .input(z.object({ productId: z.string().min(1).max(200) }))
    .query(({ ctx, input }) => productHistory(ctx.app.clickhouse, ctx.workspaceId, input.productId)),

  /** When a price drop is worth telling the people who looked at a product, and how far back they looked. */
  settings: workspaceProcedure.query(({ ctx }) => catalogSettingsOf(ctx.app, ctx.workspaceId)),

  setSettings: workspaceProcedure
    .input(catalogSettingsSchema.partial())
    .mutation(async ({ ctx, input }) => {
      try {
        return await setCatalogSettings(ctx.app, ctx.workspaceId, input);
      } catch (err) {
        if (err instanceof CatalogSettingsError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
        throw err;
      }
    }),
});
