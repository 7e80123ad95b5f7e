import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createCampaign, listCampaigns } from '../../journeys';
import { getSegment } from '../../segments';
import { getTemplate } from '../../templates';
import { topics } from '../../stores/invalidation';
import { router, workspaceProcedure } from '../trpc';

const day = 86_400_000;

export const campaignsRouter = router({
  list: workspaceProcedure.query(({ ctx }) => listCampaigns(ctx.app.postgres.db, ctx.workspaceId)),

  /** Schedules a one-off send: a broadcast journey with one message step, published at once. */
  create: workspaceProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(200),
        segmentId: z.string().min(1, 'segmentId: choose an audience').max(100),
        channel: z.enum(['email', 'web_push', 'onsite', 'best']),
        template: z.string().trim().min(1, 'template: choose a message').max(200),
        at: z.iso.datetime({ offset: true, error: 'at: a date and time (ISO 8601), or null to send now' }).nullable(),
        bestTime: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const segment = await getSegment(ctx.app, ctx.workspaceId, input.segmentId);
      if (!segment) throw new TRPCError({ code: 'BAD_REQUEST', message: `segmentId: no segment ${input.segmentId} in this workspace` });
      const template = await getTemplate(ctx.app, ctx.workspaceId, input.template);
      if (!template) throw new TRPCError({ code: 'BAD_REQUEST', message: `template: no template ${input.template}` });
      if (input.channel !== 'best' && template.channel !== input.channel) throw new TRPCError({ code: 'BAD_REQUEST', message: `template: ${template.name} is a ${template.channel} template, not ${input.channel}` });
      const at = input.at === null ? null : new Date(input.at);
      if (at && (at.getTime() < Date.now() - 60_000 || at.getTime() > Date.now() + 366 * day)) throw new TRPCError({ code: 'BAD_REQUEST', message: 'at: a time from now to a year ahead' });
      const created = await createCampaign(ctx.app.postgres.db, ctx.workspaceId, { ...input, template: template.name, at });
      ctx.app.invalidation.publish(topics.journeyStatus, created.id);
      return created;
    }),
});
