import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../../app-handle';

export type RouteHandler = (app: App, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** Extra raw routes a domain mounts on the HTTP server (SDK files, decide, tracking links...). */
export interface ExtraRoute {
  method: string;
  /** Exact path, or a prefix ending in `/`. */
  path: string;
  handler: RouteHandler;
  cors?: boolean;
}
