import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { findProfileId } from '../../profiles';
import { attributionWindowDays, evaluateRecommendations, recommend, recommendationMetrics, strategies } from '../../recommendations';
import { listPlacements } from '../../onsite';
import { listTemplates } from '../../templates';
import { router, workspaceProcedure } from '../trpc';

export const recommendationsRouter = router({
  /** Online: per strategy and placement/message, impressions, clicks, CTR and attributed carts, orders, revenue for blocks shown in the last `days`. */
  online: workspaceProcedure.input(z.object({ days: z.number().int().min(1).max(365).default(30) })).query(async ({ ctx, input }) => {
    const now = Date.now();
    const [rows, placements, templates] = await Promise.all([
      recommendationMetrics(ctx.app, ctx.workspaceId, { fromMs: now - input.days * 86_400_000, toMs: now }),
      listPlacements(ctx.app, ctx.workspaceId),
      listTemplates(ctx.app, ctx.workspaceId),
    ]);
    const names = new Map<string, string>([...placements.map((p) => [`placement:${p.id}`, p.name] as const), ...templates.map((t) => [`message:${t.id}`, t.name] as const)]);
    return { windowDays: attributionWindowDays, rows: rows.map((r) => ({ ...r, source_name: names.get(`${r.source_kind}:${r.source_id}`) ?? r.source_id })) };
  }),

  /** Offline evaluation with a temporal split at the cut-off (a rebuild: seconds on a large shop). */
  evaluate: workspaceProcedure
    .input(z.object({ cutoff: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'cutoff: a date as YYYY-MM-DD') }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await evaluateRecommendations(ctx.app, ctx.workspaceId, new Date(`${input.cutoff}T00:00:00Z`));
      } catch (err) {
        if (err instanceof RangeError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
        throw err;
      }
    }),

  /** What one strategy shows a person (profile, user or anonymous id; empty: an unknown visitor). */
  preview: workspaceProcedure
    .input(z.object({ id: z.string().max(255).default(''), strategy: z.enum(strategies), productId: z.string().max(200).default(''), limit: z.number().int().min(1).max(50).default(10) }))
    .query(async ({ ctx, input }) => {
      const profileId = input.id ? await findProfileId(ctx.app, ctx.workspaceId, input.id) : null;
      const result = await recommend(ctx.app, ctx.workspaceId, { strategy: input.strategy, profileId, productIds: input.productId ? [input.productId] : [], limit: input.limit });
      return { ...result, profileId };
    }),
});
