import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  createExperiment,
  experimentInputSchema,
  experimentReadout,
  ExperimentError,
  experimentSummaries,
  metricSchema,
  pickWinnerAndApply,
  stopAndApply,
  switchToBandit,
  updateExperimentSettings,
  weightsHistory,
} from '../../experiments';
import { router, workspaceProcedure } from '../trpc';

async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ExperimentError) throw new TRPCError({ code: err.code, message: err.message, cause: err });
    throw err;
  }
}

const experimentId = z.object({ experimentId: z.string().min(1).max(100) });

export const experimentsRouter = router({
  list: workspaceProcedure.query(({ ctx }) => experimentSummaries(ctx.app, ctx.workspaceId)),

  readout: workspaceProcedure
    .input(experimentId.extend({ correction: z.enum(['holm', 'bh']).default('holm') }))
    .query(({ ctx, input }) => domain(() => experimentReadout(ctx.app, ctx.workspaceId, input.experimentId, { correction: input.correction }))),

  /** Recomputes a readout now instead of serving the cached one. */
  refreshReadout: workspaceProcedure
    .input(experimentId)
    .mutation(async ({ ctx, input }) => (await domain(() => experimentReadout(ctx.app, ctx.workspaceId, input.experimentId, { refresh: true }))).asOf),

  create: workspaceProcedure.input(experimentInputSchema).mutation(({ ctx, input }) => domain(() => createExperiment(ctx.app.postgres.db, ctx.workspaceId, input))),

  updateSettings: workspaceProcedure
    .input(experimentId.extend({ metrics: z.array(metricSchema).min(1).max(10).optional(), engine: z.enum(['bayesian', 'frequentist']).optional(), sequential: z.boolean().optional() }))
    .mutation(({ ctx, input }) => domain(() => updateExperimentSettings(ctx.app.postgres.db, ctx.workspaceId, input.experimentId, input))),

  stop: workspaceProcedure.input(experimentId).mutation(({ ctx, input }) => domain(() => stopAndApply(ctx.app, ctx.workspaceId, input.experimentId))),

  switchToBandit: workspaceProcedure
    .input(experimentId.extend({ minWeight: z.number().min(0).max(0.5).default(0.05) }))
    .mutation(({ ctx, input }) => domain(() => switchToBandit(ctx.app, ctx.workspaceId, input.experimentId, input.minWeight))),

  weights: workspaceProcedure.input(experimentId).query(({ ctx, input }) => weightsHistory(ctx.app.postgres.db, ctx.workspaceId, input.experimentId)),

  pickWinner: workspaceProcedure
    .input(experimentId.extend({ variant: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => domain(() => pickWinnerAndApply(ctx.app, ctx.workspaceId, input.experimentId, input.variant))),
});
