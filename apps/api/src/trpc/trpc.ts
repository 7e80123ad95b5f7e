import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import { z, ZodError } from 'zod';
import type { App } from '../app-handle';
import { readCookie, sessionCookie, userOfSession } from '../auth';
import { roleIn } from '../workspaces';
import { clientIp } from '../kernel/http/respond';
import { isSameOrigin, type RequestOrigin } from './same-origin';

export interface SessionUser {
  id: string;
  email: string;
}

/** Facts of the HTTP request a procedure runs for; absent when called in-process (tests, CLI). */
export interface RequestFacts extends RequestOrigin {
  /** The client's address (after TRUST_PROXY_HOPS), for per-IP sign-in limits. */
  ip: string | undefined;
}

/** Everything a procedure may use; tests build it directly and call procedures through createCaller. */
export interface Context {
  app: App;
  user: SessionUser | null;
  sessionToken: string | null;
  /** Sets a response header (cookies on login/logout); absent outside HTTP. */
  setHeader?: (name: string, value: string) => void;
  secureCookies: boolean;
  request?: RequestFacts;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export async function createContext(app: App, cookieHeader: string | undefined, setHeader?: Context['setHeader'], secureCookies = false, req?: IncomingMessage): Promise<Context> {
  const token = readCookie(cookieHeader, sessionCookie) ?? null;
  const user = token ? await userOfSession(app.postgres.db, token) : null;
  const request: RequestFacts | undefined = req && {
    ip: clientIp(req, app.config.trustProxyHops),
    origin: header(req, 'origin'),
    host: header(req, 'host'),
    fetchSite: header(req, 'sec-fetch-site'),
  };
  return { app, user, sessionToken: token, secureCookies, ...(setHeader ? { setHeader } : {}), ...(request ? { request } : {}) };
}

const t = initTRPC.context<Context>().create({
  // Stack traces stay in the server's log; a browser never sees our source paths.
  isDev: false,
  errorFormatter({ shape, error, ctx, path }) {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // An unexpected error's text can name tables, files or people: the caller gets a reference
      // to quote, the log gets the detail.
      const errorId = randomBytes(6).toString('hex');
      ctx?.app.log.error('dashboard API call failed', { errorId, path, error: error.cause?.stack ?? error.stack ?? error.message });
      return { ...shape, message: `Internal error (reference ${errorId})`, data: { ...shape.data, errorId, fieldErrors: null } };
    }
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError ? zodError.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ') : shape.message,
      data: { ...shape.data, errorId: null, fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : null },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * A browser attaches the session cookie to a form another site posts here (SameSite=Lax still lets a
 * top-level navigation through), so no mutation runs for a request that came from another origin.
 */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.request && !isSameOrigin(ctx.request, ctx.app.config.publicUrl)) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Origin: changes are accepted from the dashboard only' });
  }
  return next();
});

export const publicProcedure = t.procedure.use(sameOriginMutations);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Every workspace-scoped procedure takes `workspaceId` and checks the user belongs to it. */
export const workspaceProcedure = protectedProcedure
  .input(z.object({ workspaceId: z.string().min(1) }))
  .use(async ({ ctx, input, next }) => {
    const role = await roleIn(ctx.app.postgres.db, ctx.user.id, input.workspaceId);
    if (!role) throw new TRPCError({ code: 'FORBIDDEN', message: 'You are not a member of this workspace' });
    return next({ ctx: { ...ctx, workspaceId: input.workspaceId, role } });
  });
