import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  authenticate,
  clearedSessionCookie,
  createSession,
  deleteOtherSessions,
  deleteSession,
  findUserByEmail,
  loginThrottle,
  PasswordHashingBusyError,
  passwordSchema,
  sessionCookieHeader,
  setPassword,
  verifyPassword,
} from '../../auth';
import { protectedProcedure, publicProcedure, router, type Context } from '../trpc';

function tooMany(ctx: Context, retryAfterMs: number, message: string): TRPCError {
  ctx.setHeader?.('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
}

/**
 * Checks the throttle, then runs the password check, counted as a failure against the email and the
 * address unless it succeeds. While blocked nothing is hashed, and a right password is refused too.
 */
async function throttledCheck<T>(ctx: Context, email: string, check: () => Promise<T | null>): Promise<T | null> {
  const throttle = loginThrottle(ctx.app);
  const ip = ctx.request?.ip;
  const { retryAfterMs, attempt } = await throttle.reserve(email, ip).catch(() => {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Signing in needs Redis, which is not answering: try again shortly' });
  });
  if (retryAfterMs > 0) throw tooMany(ctx, retryAfterMs, 'Too many wrong passwords: wait before trying again');
  let result: T | null;
  try {
    result = await check();
  } catch (err) {
    if (err instanceof PasswordHashingBusyError) {
      await throttle.forgetAttempt(email, ip, attempt);
      throw tooMany(ctx, 1000, err.message);
    }
    throw err;
  }
  if (result !== null) await throttle.recordSuccess(email, ip, attempt);
  return result;
}

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user),

  login: publicProcedure
    .input(z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }))
    .mutation(async ({ ctx, input }) => {
      const user = await throttledCheck(ctx, input.email, () => authenticate(ctx.app.postgres.db, input.email, input.password));
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

  /** The current password is required (a session left open is not enough); other sessions end. */
  changePassword: protectedProcedure
    .input(z.object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema }))
    .mutation(async ({ ctx, input }) => {
      const db = ctx.app.postgres.db;
      const ok = await throttledCheck(ctx, ctx.user.email, async () => {
        const user = await findUserByEmail(db, ctx.user.email);
        return user && (await verifyPassword(input.currentPassword, user.password_hash)) ? user : null;
      });
      if (!ok) throw new TRPCError({ code: 'BAD_REQUEST', message: 'currentPassword: not your current password' });
      if (input.newPassword === input.currentPassword) throw new TRPCError({ code: 'BAD_REQUEST', message: 'newPassword: must differ from the current password' });
      try {
        await setPassword(db, ctx.user.id, input.newPassword);
      } catch (err) {
        if (err instanceof PasswordHashingBusyError) throw tooMany(ctx, 1000, err.message);
        throw err;
      }
      const endedSessions = await deleteOtherSessions(db, ctx.user.id, ctx.sessionToken);
      return { ok: true, endedSessions };
    }),
});
