import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { deletePlacement, getPlacement, listPlacements, PlacementError, previewPlacement, queueTtlDays, saveOnsiteSettings, savePlacement } from '../../onsite';
import { TemplateError } from '../../templates';
import { router, workspaceProcedure } from '../trpc';

async function badRequest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PlacementError || err instanceof TemplateError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message, cause: err });
    throw err;
  }
}

// Drafts are checked by the domain (PlacementError names the field); here only their envelope.
const draft = z.record(z.string(), z.unknown());

export const onsiteRouter = router({
  list: workspaceProcedure.query(({ ctx }) => listPlacements(ctx.app, ctx.workspaceId)),

  get: workspaceProcedure.input(z.object({ id: z.string().min(1).max(100) })).query(async ({ ctx, input }) => {
    const p = await getPlacement(ctx.app, ctx.workspaceId, input.id);
    if (!p) throw new TRPCError({ code: 'NOT_FOUND', message: `No placement ${input.id}` });
    return p;
  }),

  save: workspaceProcedure.input(z.object({ placement: draft })).mutation(({ ctx, input }) => badRequest(() => savePlacement(ctx.app, ctx.workspaceId, input.placement))),

  delete: workspaceProcedure.input(z.object({ id: z.string().min(1).max(100) })).mutation(async ({ ctx, input }) => {
    if (!(await deletePlacement(ctx.app, ctx.workspaceId, input.id))) throw new TRPCError({ code: 'NOT_FOUND', message: `No placement ${input.id}` });
    return { deleted: true };
  }),

  /** The draft rendered and sanitised as decide would, for a chosen profile and page. */
  preview: workspaceProcedure
    .input(z.object({ placement: draft, profileId: z.string().min(1).max(200).optional(), url: z.string().max(2000).optional() }))
    .query(({ ctx, input }) => badRequest(() => previewPlacement(ctx.app, ctx.workspaceId, input.placement, { profileId: input.profileId, url: input.url }))),

  settings: workspaceProcedure.query(async ({ ctx }) => ({ queueTtlDays: await queueTtlDays(ctx.app, ctx.workspaceId) })),

  saveSettings: workspaceProcedure
    .input(z.object({ queueTtlDays: z.number().int().min(1).max(90) }))
    .mutation(({ ctx, input }) => saveOnsiteSettings(ctx.app, ctx.workspaceId, input)),
});
