import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { getTemplate, listTemplates, previewTemplate, saveTemplate, TemplateError, TemplateNotFound, templateInput, templateIssues } from '../../templates';
import { ChannelError, sendTestEmail } from '../../channels';
import { syncMessageExperiments } from '../../experiments';
import { router, workspaceProcedure } from '../trpc';

async function badRequest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TemplateError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message, cause: err });
    if (err instanceof ChannelError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
    if (err instanceof TemplateNotFound) throw new TRPCError({ code: 'NOT_FOUND', message: err.message });
    throw err;
  }
}

const eventInput = z.object({ name: z.string().min(1).max(200), properties: z.record(z.string(), z.unknown()).optional() }).optional();

export const templatesRouter = router({
  list: workspaceProcedure.query(({ ctx }) => listTemplates(ctx.app, ctx.workspaceId)),

  get: workspaceProcedure.input(z.object({ id: z.string().min(1).max(200) })).query(async ({ ctx, input }) => {
    const t = await getTemplate(ctx.app, ctx.workspaceId, input.id);
    if (!t) throw new TRPCError({ code: 'NOT_FOUND', message: `No template ${input.id}` });
    return t;
  }),

  /** Problems of a draft with their line numbers, for the editor as the marketer types. */
  validate: workspaceProcedure.input(z.object({ template: templateInput })).query(({ input }) => templateIssues(input.template)),

  /** A template saved with variants is an experiment from then on (its readout reachable at once). */
  save: workspaceProcedure.input(z.object({ template: templateInput })).mutation(({ ctx, input }) =>
    badRequest(async () => {
      const saved = await saveTemplate(ctx.app, ctx.workspaceId, input.template);
      if (saved.variants.length >= 2) await syncMessageExperiments(ctx.app, ctx.workspaceId, saved.id);
      return saved;
    }),
  ),

  preview: workspaceProcedure
    .input(z.object({ template: templateInput, profileId: z.string().min(1).max(200), event: eventInput, variant: z.string().min(1).max(40).optional() }))
    .query(({ ctx, input }) => badRequest(() => previewTemplate(ctx.app, ctx.workspaceId, input.template, input.profileId, input.event, input.variant))),

  testSend: workspaceProcedure
    .input(z.object({ template: z.string().min(1).max(200), profileId: z.string().min(1).max(200), to: z.email(), event: eventInput }))
    .mutation(({ ctx, input }) =>
      badRequest(() => sendTestEmail(ctx.app, ctx.workspaceId, { template: input.template, profileId: input.profileId, to: input.to, ...(input.event ? { event: input.event } : {}) })),
    ),
});
