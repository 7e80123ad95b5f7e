import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import {
  audienceCondition,
  conditionSchema,
  createSegment,
  deleteSegment,
  estimateSize,
  getSegment,
  listSegments,
  pieView,
  refreshSegment,
  SegmentError,
  segmentInput,
  segmentMembers,
  segmentSize,
  updateSegment,
} from '../../segments';
import { profileLabels, rfmSegments } from '../../profiles';
import { router, workspaceProcedure } from '../trpc';

async function badRequest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SegmentError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.message });
    throw err;
  }
}

const segmentId = z.object({ id: z.string().min(1).max(100) });

export const segmentsRouter = router({
  list: workspaceProcedure.query(async ({ ctx }) => {
    const segments = await listSegments(ctx.app, ctx.workspaceId);
    return Promise.all(segments.map(async (s) => ({ ...s, size: s.computedVersion === null ? null : await segmentSize(ctx.app, ctx.workspaceId, s.id) })));
  }),

  get: workspaceProcedure.input(segmentId).query(async ({ ctx, input }) => {
    const s = await getSegment(ctx.app, ctx.workspaceId, input.id);
    if (!s) throw new TRPCError({ code: 'NOT_FOUND', message: `No segment ${input.id}` });
    return { ...s, size: s.computedVersion === null ? null : await segmentSize(ctx.app, ctx.workspaceId, s.id) };
  }),

  /** "Save as segment" from the profiles list: a segment whose definition admits exactly the list's filters. */
  createFromAudience: workspaceProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(200),
        segmentId: z.string().min(1).max(100).optional(),
        rfm: z.object({ r: z.number().int().min(1).max(5), f: z.number().int().min(1).max(5) }).optional(),
        rfmSegment: z.enum(rfmSegments, { error: `rfmSegment: one of ${rfmSegments.join(', ')}` }).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      badRequest(async () => {
        const definition = audienceCondition(input);
        if (!definition) throw new SegmentError('definition', 'filter the list first: everyone is not a segment');
        const s = await createSegment(ctx.app, ctx.workspaceId, { name: input.name, description: 'Saved from a filtered profiles list.', definition });
        await refreshSegment(ctx.app, s);
        return s;
      }),
    ),

  create: workspaceProcedure.input(segmentInput).mutation(({ ctx, input }) =>
    badRequest(async () => {
      const s = await createSegment(ctx.app, ctx.workspaceId, input);
      await refreshSegment(ctx.app, s);
      return s;
    }),
  ),

  update: workspaceProcedure.input(segmentInput.extend({ id: z.string().min(1).max(100) })).mutation(({ ctx, input }) =>
    badRequest(async () => {
      const s = await updateSegment(ctx.app, ctx.workspaceId, input.id, input);
      await refreshSegment(ctx.app, s);
      return s;
    }),
  ),

  delete: workspaceProcedure.input(segmentId).mutation(({ ctx, input }) => badRequest(() => deleteSegment(ctx.app, ctx.workspaceId, input.id))),

  /** Live size while the definition is being edited. */
  estimate: workspaceProcedure.input(z.object({ definition: conditionSchema })).query(({ ctx, input }) => badRequest(() => estimateSize(ctx.app, ctx.workspaceId, input.definition))),

  members: workspaceProcedure
    .input(segmentId.extend({ limit: z.number().int().min(1).max(200).default(50), offset: z.number().int().min(0).default(0) }))
    .query(async ({ ctx, input }) => {
      const members = await segmentMembers(ctx.app, ctx.workspaceId, input.id, input);
      const labels = await profileLabels(ctx.app, ctx.workspaceId, members.map((m) => m.profileId));
      return members.map((m) => ({ ...m, ...labels.get(m.profileId)! }));
    }),

  pie: workspaceProcedure.query(({ ctx }) => pieView(ctx.app, ctx.workspaceId)),

  refresh: workspaceProcedure.input(segmentId).mutation(async ({ ctx, input }) => {
    const s = await getSegment(ctx.app, ctx.workspaceId, input.id);
    if (!s) throw new TRPCError({ code: 'NOT_FOUND', message: `No segment ${input.id}` });
    return refreshSegment(ctx.app, s);
  }),
});
