import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { App } from '../app';
import { readCookie, sessionCookie, userOfSession } from '../auth';

export interface SessionUser {
  id: string;
  email: string;
}

/** Everything a procedure may use; tests build it directly and call procedures through createCaller. */
export interface Context {
  app: App;
  user: SessionUser | null;
  sessionToken: string | null;
  /** Sets a response header (cookies on login/logout); absent outside HTTP. */
  setHeader?: (name: string, value: string) => void;
  secureCookies: boolean;
}

export async function createContext(app: App, cookieHeader: string | undefined, setHeader?: Context['setHeader'], secureCookies = false): Promise<Context> {
  const token = readCookie(cookieHeader, sessionCookie) ?? null;
  const user = token ? await userOfSession(app.postgres.db, token) : null;
  return { app, user, sessionToken: token, secureCookies, ...(setHeader ? { setHeader } : {}) };
}

const t = initTRPC.context<Context>().create({
  // Stack traces stay in the server's log; a browser never sees our source paths.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError ? zodError.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ') : shape.message,
      data: { ...shape.data, fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : null },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Every workspace-scoped procedure takes `workspaceId` and checks the user belongs to it. */
export const workspaceProcedure = protectedProcedure
  .input(z.object({ workspaceId: z.string().min(1) }))
  .use(async ({ ctx, input, next }) => {
    const member = await ctx.app.postgres.db
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', ctx.user.id)
      .where('workspace_id', '=', input.workspaceId)
      .executeTakeFirst();
    if (!member) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this workspace' });
    return next({ ctx: { ...ctx, workspaceId: input.workspaceId, role: member.role } });
  });
