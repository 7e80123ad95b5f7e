import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { allowsAddress, allowsName, forbiddenNameReason, nonPublicReason, normalizeHost, parseAddress, parseAllowList, type AllowList } from './addresses';

/** A destination the guard will not call; permanent, so callers should not retry it. */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

/** The request took too long (connect or total) or answered more than the size cap. */
export class OutboundLimitError extends Error {
  override name = 'OutboundLimitError';
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the system resolver; tests inject their own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundOptions {
  /** The operator's exceptions (`OUTBOUND_ALLOW`): addresses, CIDRs, host names, `*.domain`. */
  allow?: string | string[];
  resolve?: Resolver;
  connectTimeoutMs?: number;
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  /** Deadline of the whole exchange: resolving, connecting, sending and reading the answer. */
  timeoutMs?: number;
  /** Largest answer body read; a larger one fails the request. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const systemResolver: Resolver = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const defaultTimeoutMs = 15_000;
const defaultConnectTimeoutMs = 10_000;
const defaultMaxResponseBytes = 256 * 1024;

/** A lookup for sockets that answers only the vetted address: a second DNS answer cannot move the connection. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (err: null, all: ResolvedAddress[]) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutboundLimitError(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The one way the server calls out (web push, webhooks, SMTP): a destination is resolved once, every
 * address is checked (no loopback, private, link-local, unique-local, CGNAT, multicast, reserved or
 * metadata address unless the operator allows it), the connection goes to that checked address, and
 * each exchange has a connect timeout, a total deadline and a cap on the answer; redirects are not
 * followed.
 */
export class OutboundGuard {
  private readonly allow: AllowList;
  private readonly resolver: Resolver;
  private readonly connectTimeoutMs: number;
  // Kept-alive connections spare a push broadcast a TLS handshake per message; a reused socket was
  // opened to an address this guard checked, so pinning holds.
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

  constructor(options: OutboundOptions = {}) {
    this.allow = parseAllowList(Array.isArray(options.allow) ? options.allow.join(',') : options.allow);
    this.resolver = options.resolve ?? systemResolver;
    this.connectTimeoutMs = options.connectTimeoutMs ?? defaultConnectTimeoutMs;
  }

  /**
   * Why a host may not be called, judged without DNS (literal addresses and reserved names), or
   * null; for checks when a destination is saved. A name that resolves to a private address is
   * caught when it is called.
   */
  hostRefusal(host: string): string | null {
    const hostname = normalizeHost(host);
    if (!hostname) return `"${host}" is not a valid host`;
    const ip = parseAddress(hostname);
    if (ip) {
      const reason = nonPublicReason(ip);
      return reason && !allowsAddress(this.allow, ip) ? `${hostname} is ${reason}` : null;
    }
    if (allowsName(this.allow, hostname)) return null;
    const reason = forbiddenNameReason(hostname);
    return reason ? `${hostname} is ${reason}` : null;
  }

  /** Whether the operator listed this host (by name or address); such hosts may also be plain http. */
  isAllowListed(host: string): boolean {
    const hostname = normalizeHost(host);
    if (!hostname) return false;
    const ip = parseAddress(hostname);
    return ip ? allowsAddress(this.allow, ip) : allowsName(this.allow, hostname);
  }

  /**
   * Resolves a host once and checks every address it has; the one returned is the one to connect
   * to. Throws OutboundRefusedError for a refused or non-existent host, another error when DNS fails
   * for now.
   */
  async resolve(host: string): Promise<ResolvedAddress> {
    const refusal = this.hostRefusal(host);
    if (refusal) throw new OutboundRefusedError(refusal);
    const hostname = normalizeHost(host)!;
    const literal = parseAddress(hostname);
    if (literal) return { address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 };
    let addresses: ResolvedAddress[];
    try {
      addresses = await withDeadline(this.resolver(hostname), this.connectTimeoutMs, `resolving ${hostname}`);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A name that does not exist stays refused; a resolver that is slow or failing now may be retried.
      if (code === 'ENOTFOUND' || code === 'ENODATA') throw new OutboundRefusedError(`${hostname} does not resolve (${code})`);
      throw err instanceof OutboundLimitError ? err : new Error(`${hostname} could not be resolved now (${code ?? (err as Error).message})`);
    }
    if (addresses.length === 0) throw new OutboundRefusedError(`${hostname} does not resolve`);
    if (allowsName(this.allow, hostname)) return addresses[0]!;
    // Any private answer refuses the name: a public host has no reason to publish one.
    for (const a of addresses) {
      const ip = parseAddress(a.address);
      const reason = ip ? nonPublicReason(ip) : 'not an address';
      if (reason && !(ip && allowsAddress(this.allow, ip))) throw new OutboundRefusedError(`${hostname} resolves to ${a.address}, ${reason}`);
    }
    return addresses[0]!;
  }

  /** One HTTP(S) exchange with a checked, pinned destination; the answer is read up to the cap, redirects returned as they are. */
  async request(url: string, req: OutboundRequest = {}): Promise<OutboundResponse> {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new OutboundRefusedError(`${target.protocol} URLs are not called`);
    const timeoutMs = req.timeoutMs ?? defaultTimeoutMs;
    const started = Date.now();
    const pinned = await withDeadline(this.resolve(target.hostname), timeoutMs, `resolving ${target.hostname}`);
    const remainingMs = Math.max(timeoutMs - (Date.now() - started), 1);
    const maxBytes = req.maxResponseBytes ?? defaultMaxResponseBytes;
    const transport = target.protocol === 'https:' ? https : http;
    const agent = this.agents[target.protocol];
    return new Promise<OutboundResponse>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(total);
        request.destroy();
        reject(err);
      };
      const headers = { ...req.headers };
      // A declared length rather than chunks: some receivers (push services among them) insist on it.
      if (req.body != null && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(req.body));
      const request = transport.request(target, { method: req.method ?? 'GET', headers, agent, lookup: pinnedLookup(pinned) }, (res) => {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) return fail(new OutboundLimitError(`answer of ${declared} bytes is over the ${maxBytes} byte cap`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new OutboundLimitError(`answer is over the ${maxBytes} byte cap`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          clearTimeout(total);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      });
      const total = setTimeout(() => fail(new OutboundLimitError(`${target.host} timed out after ${timeoutMs} ms (no complete answer)`)), remainingMs);
      request.on('error', (err) => fail(err));
      request.on('socket', (socket: net.Socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(() => fail(new OutboundLimitError(`connecting to ${target.host} timed out after ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connect));
        socket.once('close', () => clearTimeout(connect));
      });
      request.end(req.body ?? undefined);
    });
  }

  /** A TCP connection to a checked, pinned address (SMTP); TLS, if any, is the caller's, against the host name. */
  async connect(host: string, port: number, timeoutMs = this.connectTimeoutMs): Promise<net.Socket> {
    const pinned = await withDeadline(this.resolve(host), timeoutMs, `resolving ${host}`);
    return new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: pinned.address, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new OutboundLimitError(`connecting to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
}
