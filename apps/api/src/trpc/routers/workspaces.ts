import { z } from 'zod';
import { createWorkspace, workspacesOfUser, writeKeyOf } from '../../workspaces';
import { protectedProcedure, router, workspaceProcedure } from '../trpc';

export const workspacesRouter = router({
  list: protectedProcedure.query(({ ctx }) => workspacesOfUser(ctx.app.postgres.db, ctx.user.id)),

  create: protectedProcedure.input(z.object({ name: z.string().trim().min(1).max(200) })).mutation(async ({ ctx, input }) => {
    const ws = await createWorkspace(ctx.app.postgres.db, input.name, ctx.user.id);
    // The secret key is shown once, at creation; only its hash is kept.
    return ws;
  }),

  get: workspaceProcedure.query(async ({ ctx }) => {
    const ws = await ctx.app.postgres.db.selectFrom('workspaces').selectAll().where('id', '=', ctx.workspaceId).executeTakeFirstOrThrow();
    return { id: ws.id, name: ws.name, createdAt: ws.created_at, writeKey: (await writeKeyOf(ctx.app.postgres.db, ws.id)) ?? null, role: ctx.role };
  }),
});
