import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { validateJourney } from '@overture/journeys';
import {
  createJourney,
  getJourney,
  getJourneySettings,
  JourneyError,
  journeyOverview,
  journeyMetrics,
  publishJourney,
  saveDraft,
  saveJourneySettings,
  setJourneyStatus,
  webhookSecret,
} from '../../journeys';
import { router, workspaceProcedure } from '../trpc';
import type { App } from '../../app-handle';
import { topics } from '../../stores/invalidation';

/** Domain errors as tRPC errors; validation issues travel along so the builder can mark the nodes. */
async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof JourneyError) throw new TRPCError({ code: err.code, message: err.message, cause: err });
    if (err instanceof z.ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    throw err;
  }
}

const journeyId = z.object({ journeyId: z.string().min(1) });

/** Step workers in every process cache journey statuses: a publish, pause, resume or archive drops them. */
function journeyChanged<T>(app: App, id: string, result: T): T {
  app.invalidation.publish(topics.journeyStatus, id);
  return result;
}

export const journeysRouter = router({
  /** The journey list with status, trigger and headline numbers (entered, in flight, conversions, revenue, lift). */
  list: workspaceProcedure
    .input(z.object({ includeArchived: z.boolean().optional() }))
    .query(({ ctx, input }) => journeyOverview(ctx.app.postgres.db, ctx.workspaceId, { includeArchived: input.includeArchived === true })),

  get: workspaceProcedure.input(journeyId).query(({ ctx, input }) => domain(() => getJourney(ctx.app.postgres.db, ctx.workspaceId, input.journeyId))),

  create: workspaceProcedure
    .input(z.object({ name: z.string().trim().min(1).max(200), draft: z.unknown().optional() }))
    .mutation(({ ctx, input }) => createJourney(ctx.app.postgres.db, ctx.workspaceId, input.name, input.draft ?? {})),

  /** Inline validation for the builder: issues name the node they are about. */
  validate: workspaceProcedure.input(z.object({ definition: z.unknown() })).query(({ input }) => {
    const r = validateJourney(input.definition);
    return r.ok ? { ok: true as const, issues: [] } : { ok: false as const, issues: r.issues };
  }),

  saveDraft: workspaceProcedure
    .input(journeyId.extend({ draft: z.unknown(), name: z.string().trim().min(1).max(200).optional() }))
    .mutation(({ ctx, input }) => domain(() => saveDraft(ctx.app.postgres.db, ctx.workspaceId, input.journeyId, input.draft, input.name))),

  publish: workspaceProcedure.input(journeyId).mutation(({ ctx, input }) => domain(async () => journeyChanged(ctx.app, input.journeyId, await publishJourney(ctx.app.postgres.db, ctx.workspaceId, input.journeyId)))),

  setStatus: workspaceProcedure
    .input(journeyId.extend({ action: z.enum(['pause', 'resume', 'archive']) }))
    .mutation(({ ctx, input }) => domain(async () => journeyChanged(ctx.app, input.journeyId, { status: await setJourneyStatus(ctx.app.postgres.db, ctx.workspaceId, input.journeyId, input.action) }))),

  metrics: workspaceProcedure.input(journeyId).query(({ ctx, input }) =>
    domain(async () => {
      await getJourney(ctx.app.postgres.db, ctx.workspaceId, input.journeyId);
      return journeyMetrics(ctx.app.postgres.db, ctx.app.clickhouse, ctx.workspaceId, input.journeyId);
    }),
  ),

  settings: workspaceProcedure.query(({ ctx }) => getJourneySettings(ctx.app.postgres.db, ctx.workspaceId)),

  saveSettings: workspaceProcedure
    .input(z.object({ settings: z.unknown() }))
    .mutation(({ ctx, input }) =>
      domain(async () => {
        const saved = await saveJourneySettings(ctx.app.postgres.db, ctx.workspaceId, input.settings, ctx.app.outbound);
        ctx.app.invalidation.publish(topics.journeySettings, ctx.workspaceId);
        return saved;
      }),
    ),

  /** What webhook receivers verify `x-overture-signature` with. */
  webhookSecret: workspaceProcedure.query(({ ctx }) => ({ secret: webhookSecret(ctx.app.config.secret, ctx.workspaceId) })),
});
