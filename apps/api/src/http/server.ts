import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { App } from '../app-handle';
import { appRouter } from '../trpc/root';
import { createContext } from '../trpc/trpc';
import { handleIngest, ingestRoutes } from '../ingest/handler';
import { latestEvents } from '../events/queries';
import { HttpError } from '../kernel/http/errors';
import { applyCors, sendJson } from '../kernel/http/respond';
import { requireSecretKey } from '../workspaces/request-auth';
import { health } from './health';
import { serveDashboard } from './static';
import type { ExtraRoute } from '../kernel/http/route';

export type { ExtraRoute, RouteHandler } from '../kernel/http/route';

export function createHttpServer(app: App, extraRoutes: ExtraRoute[] = []): Server {
  const secure = app.config.publicUrl.startsWith('https://');
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createContext(app, req.headers.cookie, (name, value) => res.appendHeader(name, value), secure, req),
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (path.startsWith('/v1/')) {
      applyCors(req, res);
      if (method === 'OPTIONS') {
        res.writeHead(204).end();
        return;
      }
      const kind = ingestRoutes[path];
      if (kind) {
        if (method !== 'POST') throw new HttpError(405, `${path} accepts POST`);
        return handleIngest(app, req, res, kind);
      }
      if (path === '/v1/events' && method === 'GET') {
        const key = await requireSecretKey(app, req);
        const limitParam = url.searchParams.get('limit') ?? '100';
        const limit = Number(limitParam);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new HttpError(400, 'limit: must be an integer from 1 to 1000');
        const events = await latestEvents(app.clickhouse, key.workspaceId, limit, {
          type: url.searchParams.get('type') ?? undefined,
          event: url.searchParams.get('event') ?? undefined,
        });
        return sendJson(res, 200, { events });
      }
    }
    for (const r of extraRoutes) {
      const matches = r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path;
      if (!matches) continue;
      if (r.cors) applyCors(req, res);
      if (method === 'OPTIONS' && r.cors) {
        res.writeHead(204).end();
        return;
      }
      if (r.method !== method && !(r.method === 'GET' && method === 'HEAD')) continue;
      return r.handler(app, req, res, url);
    }
    if (path === '/healthz') {
      const h = await health(app);
      return sendJson(res, h.ok ? 200 : 503, h);
    }
    if (path.startsWith('/trpc/')) return trpc(req, res);
    if ((method === 'GET' || method === 'HEAD') && !path.startsWith('/v1/') && serveDashboard(app.config.dashboardDir, req, res, path)) return;
    throw new HttpError(404, `No route for ${method} ${path}`);
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        const details = typeof err.details === 'object' && err.details !== null ? err.details : {};
        sendJson(res, err.status, { success: false, error: err.message, ...details }, err.headers);
        return;
      }
      app.log.error('request failed', { error: (err as Error).stack ?? String(err), url: req.url });
      sendJson(res, 500, { success: false, error: 'Internal error' });
    });
  });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}
