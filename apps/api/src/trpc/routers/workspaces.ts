import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { createWorkspace, getWorkspace, knownCurrencies, knownTimeZone, setAsOf, setCurrency, setTimeZone, workspacesOfUser, writeKeyOf } from '../../workspaces';
import { recomputeWorkspace } from '../../segments';
import { topics } from '../../stores/invalidation';
import { protectedProcedure, router, workspaceProcedure } from '../trpc';

export const workspacesRouter = router({
  list: protectedProcedure.query(({ ctx }) => workspacesOfUser(ctx.app.postgres.db, ctx.user.id)),

  create: protectedProcedure.input(z.object({ name: z.string().trim().min(1).max(200) })).mutation(async ({ ctx, input }) => {
    const ws = await createWorkspace(ctx.app.postgres.db, input.name, ctx.user.id);
    // The secret key is shown once, at creation; only its hash is kept.
    return ws;
  }),

  get: workspaceProcedure.query(async ({ ctx }) => {
    const ws = await getWorkspace(ctx.app.postgres.db, ctx.workspaceId);
    if (!ws) throw new TRPCError({ code: 'NOT_FOUND', message: `No workspace ${ctx.workspaceId}` });
    return {
      id: ws.id, name: ws.name, createdAt: ws.created_at, writeKey: (await writeKeyOf(ctx.app.postgres.db, ws.id)) ?? null, role: ctx.role,
      asOf: ws.as_of ? new Date(ws.as_of).toISOString() : null,
      currency: ws.currency,
      timeZone: ws.time_zone,
    };
  }),

  /**
   * The instant recency, churn risk, CLTV and segment windows are computed as of: a day (UTC midnight)
   * for historical data, or null for now. Features and segments are recomputed at once.
   */
  setAsOf: workspaceProcedure
    .input(z.object({ asOf: z.iso.date({ error: 'asOf must be a date (YYYY-MM-DD) or null' }).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const asOf = input.asOf === null ? null : new Date(`${input.asOf}T00:00:00Z`);
      if (asOf && (asOf.getTime() > Date.now() + 86_400_000 || asOf.getUTCFullYear() < 1971)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'asOf must be a day between 1971 and tomorrow' });
      }
      await setAsOf(ctx.app.postgres.db, ctx.workspaceId, asOf);
      await recomputeWorkspace(ctx.app, ctx.workspaceId);
      return { asOf: asOf?.toISOString() ?? null };
    }),

  /** The currency revenue and order values are shown in across the dashboard. */
  setCurrency: workspaceProcedure
    .input(z.object({ currency: z.string().refine((c) => knownCurrencies.has(c), { error: 'currency must be an ISO 4217 code such as EUR, GBP or USD' }) }))
    .mutation(async ({ ctx, input }) => {
      await setCurrency(ctx.app.postgres.db, ctx.workspaceId, input.currency);
      return { currency: input.currency };
    }),

  /** The zone the dashboard shows times in, and journeys fall back to for a profile without one. */
  setTimeZone: workspaceProcedure
    .input(z.object({ timeZone: z.string().refine(knownTimeZone, { error: 'timeZone must be an IANA time zone name such as Europe/Paris' }) }))
    .mutation(async ({ ctx, input }) => {
      await setTimeZone(ctx.app.postgres.db, ctx.workspaceId, input.timeZone);
      // Journeys fall back to the workspace's zone: their cached settings carry it.
      ctx.app.invalidation.publish(topics.journeySettings, ctx.workspaceId);
      return { timeZone: input.timeZone };
    }),
});
