import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { TemplateError } from '../../templates';
import { createServiceJourney, getActionPolicy, recentActions, saveActionPolicy, serviceJourneyTemplates, ServiceTemplateNotFound } from '../../service-messages';
import { router, workspaceProcedure } from '../trpc';

export const serviceMessagesRouter = router({
  /** Ready journeys for order delayed, back in stock and price drop, with their documented events. */
  templates: workspaceProcedure.query(() => serviceJourneyTemplates),

  /** A draft journey (and its message templates, where missing) from a ready template. */
  createJourney: workspaceProcedure
    .input(z.object({ templateId: z.string().min(1).max(100), name: z.string().trim().min(1).max(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await createServiceJourney(ctx.app, ctx.workspaceId, input.templateId, input.name);
      } catch (err) {
        if (err instanceof ServiceTemplateNotFound) throw new TRPCError({ code: 'NOT_FOUND', message: err.message });
        if (err instanceof TemplateError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
        throw err;
      }
    }),

  policy: workspaceProcedure.query(({ ctx }) => getActionPolicy(ctx.app, ctx.workspaceId)),

  savePolicy: workspaceProcedure.input(z.object({ policy: z.unknown() })).mutation(async ({ ctx, input }) => {
    try {
      return await saveActionPolicy(ctx.app, ctx.workspaceId, input.policy);
    } catch (err) {
      if (err instanceof z.ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      throw err;
    }
  }),

  actions: workspaceProcedure.input(z.object({ limit: z.number().int().min(1).max(500).default(50) })).query(({ ctx, input }) => recentActions(ctx.app, ctx.workspaceId, input.limit)),
});
