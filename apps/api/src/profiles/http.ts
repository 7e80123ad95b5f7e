import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../app-handle';
import type { ExtraRoute } from '../kernel/http/route';
import { HttpError } from '../kernel/http/errors';
import { requireSecretKey } from '../workspaces/request-auth';
import { sendJson } from '../kernel/http/respond';
import { getProfile } from './profile';
import { eraseProfile, exportProfile, type ProfileEraser } from './erase';

const prefix = '/v1/profiles/';

/** `/v1/profiles/:id[/export]`; the id (profile, user or anonymous id) is URL-encoded. */
function parsePath(url: URL): { id: string; sub: string } {
  const [raw, sub = '', extra] = url.pathname.slice(prefix.length).split('/');
  if (!raw || extra !== undefined) throw new HttpError(404, `No route for ${url.pathname}`);
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'id: not a valid URL-encoded id');
  }
  if (id.length > 255) throw new HttpError(400, 'id: at most 255 characters');
  return { id, sub };
}

async function get(app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const key = await requireSecretKey(app, req);
  const { id, sub } = parsePath(url);
  if (sub !== '' && sub !== 'export') throw new HttpError(404, `No route for GET ${url.pathname}`);
  const body = sub === 'export' ? await exportProfile(app, key.workspaceId, id) : await getProfile(app, key.workspaceId, id);
  if (!body) throw new HttpError(404, `No profile with id ${id}`);
  sendJson(res, 200, sub === 'export' ? body : { profile: body });
}

async function erase(erasers: readonly ProfileEraser[], app: App, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const key = await requireSecretKey(app, req);
  const { id, sub } = parsePath(url);
  if (sub !== '') throw new HttpError(404, `No route for DELETE ${url.pathname}`);
  const result = await eraseProfile(app, key.workspaceId, id, 'api:secret-key', erasers);
  if (!result) throw new HttpError(404, `No profile with id ${id}`);
  sendJson(res, 200, { erased: true, ...result });
}

/** The erase route runs `erasers`, the other domains' part of a GDPR erase (the composition root's list). */
export function profileRoutes(erasers: readonly ProfileEraser[]): ExtraRoute[] {
  return [
    { method: 'GET', path: prefix, handler: get, cors: true },
    { method: 'DELETE', path: prefix, handler: (app, req, res, url) => erase(erasers, app, req, res, url), cors: true },
  ];
}
