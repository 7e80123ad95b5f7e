import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { findProfileId, getProfile, rfmSegments, searchProfiles, timeline } from '../../profiles';
import { rfmCellProfiles, rfmGrid } from '../../profiles/rfm';
import { storedClvModel } from '../../profiles/clv/store';
import { audienceSorts, listAudience, recomputeWorkspace } from '../../segments';
import { router, workspaceProcedure } from '../trpc';

const cursor = z
  .string()
  .max(500)
  .refine((c) => {
    try {
      const v = JSON.parse(Buffer.from(c, 'base64url').toString()) as unknown;
      return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string');
    } catch {
      return false;
    }
  }, 'not a cursor returned by a previous page');

export const profilesRouter = router({
  search: workspaceProcedure
    .input(z.object({ q: z.string().trim().min(1).max(255), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => searchProfiles(ctx.app, ctx.workspaceId, input.q, input.limit)),

  get: workspaceProcedure.input(z.object({ id: z.string().min(1).max(255) })).query(async ({ ctx, input }) => {
    const profile = await getProfile(ctx.app, ctx.workspaceId, input.id);
    if (!profile) throw new TRPCError({ code: 'NOT_FOUND', message: `No profile with id ${input.id}` });
    return profile;
  }),

  timeline: workspaceProcedure
    // `cursor` is `before` under the name tRPC's infinite queries pass the next page's token as.
    .input(z.object({ id: z.string().min(1).max(255), limit: z.number().int().min(1).max(500).default(50), before: cursor.nullish(), cursor: cursor.nullish() }))
    .query(async ({ ctx, input }) => {
      // Only the profile id is needed here, not the whole profile view (traits, features, pages).
      const profileId = await findProfileId(ctx.app, ctx.workspaceId, input.id);
      if (!profileId) throw new TRPCError({ code: 'NOT_FOUND', message: `No profile with id ${input.id}` });
      return timeline(ctx.app, ctx.workspaceId, profileId, { limit: input.limit, before: input.before ?? input.cursor ?? null });
    }),

  /** Everyone, a segment's members or an RFM cell, a page at a time, sorted, with the audience's size. */
  list: workspaceProcedure
    .input(
      z.object({
        segmentId: z.string().min(1).max(100).optional(),
        rfm: z.object({ r: z.number().int().min(1).max(5), f: z.number().int().min(1).max(5) }).optional(),
        rfmSegment: z.enum(rfmSegments, { error: `rfmSegment: one of ${rfmSegments.join(', ')}` }).optional(),
        sort: z.enum(audienceSorts).default('last_seen'),
        descending: z.boolean().default(true),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(({ ctx, input }) => listAudience(ctx.app, ctx.workspaceId, { segmentId: input.segmentId, rfm: input.rfm, rfmSegment: input.rfmSegment }, input)),

  rfmGrid: workspaceProcedure.query(({ ctx }) => rfmGrid(ctx.app, ctx.workspaceId)),
  clvModel: workspaceProcedure.query(({ ctx }) => storedClvModel(ctx.app, ctx.workspaceId)),

  rfmCell: workspaceProcedure
    .input(z.object({ r: z.number().int().min(1).max(5), f: z.number().int().min(1).max(5), limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }))
    .query(({ ctx, input }) => rfmCellProfiles(ctx.app, ctx.workspaceId, input.r, input.f, input.limit, input.offset)),

  /** Recompute features, RFM and segments of the workspace now (otherwise every 15 minutes). */
  recompute: workspaceProcedure.mutation(({ ctx }) => recomputeWorkspace(ctx.app, ctx.workspaceId)),
});
