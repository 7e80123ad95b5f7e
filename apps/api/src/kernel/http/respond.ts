import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Browsers post from any site that embeds the SDK; credentials never ride along on these routes. */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('access-control-allow-headers', 'authorization, content-type, content-encoding');
  res.setHeader('access-control-max-age', '86400');
  res.setHeader('access-control-expose-headers', 'retry-after');
}

/**
 * The client's address. X-Forwarded-For is only believed as far as `trustedHops` proxies of ours
 * appended to it: anyone can send the header, so its left-most entries may be made up, and the entry
 * the outermost trusted proxy added (`trustedHops` from the right) is the first one that is not.
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string | undefined {
  const socket = req.socket.remoteAddress || undefined;
  if (trustedHops <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  return hops[hops.length - trustedHops] ?? hops[0] ?? socket;
}
