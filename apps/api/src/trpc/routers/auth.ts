import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { authenticate, clearedSessionCookie, createSession, deleteSession, sessionCookieHeader } from '../../auth';
import { protectedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const user = await authenticate(ctx.app.postgres.db, input.email, input.password);
      if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password' });
      const session = await createSession(ctx.app.postgres.db, user.id);
      ctx.setHeader?.('set-cookie', sessionCookieHeader(session.token, session.expiresAt, ctx.secureCookies));
      return { id: user.id, email: user.email };
    }),

  logout: protectedProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await deleteSession(ctx.app.postgres.db, ctx.sessionToken);
    ctx.setHeader?.('set-cookie', clearedSessionCookie());
    return { ok: true };
  }),
});
