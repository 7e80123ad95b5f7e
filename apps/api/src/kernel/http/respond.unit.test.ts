import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp } from './respond';

// A request as the HTTP server hands it over: only the socket address and the header matter here.
const request = (remoteAddress: string, forwarded?: string | string[]) => ({ socket: { remoteAddress }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('clientIp', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp(request('10.0.0.7', '1.2.3.4'), 0)).toBe('10.0.0.7');
  });

  it('takes the entry the outermost trusted proxy appended, not what the client made up', () => {
    // The client sent "6.6.6.6"; our load balancer appended the real address.
    expect(clientIp(request('10.0.0.7', '6.6.6.6, 81.2.69.160'), 1)).toBe('81.2.69.160');
    // Two proxies of ours: CDN then load balancer.
    expect(clientIp(request('10.0.0.7', '6.6.6.6, 81.2.69.160, 172.16.0.2'), 2)).toBe('81.2.69.160');
    expect(clientIp(request('10.0.0.7', ['6.6.6.6', '81.2.69.160']), 1)).toBe('81.2.69.160');
  });

  it('falls back to the socket when a trusted proxy sent no header', () => {
    expect(clientIp(request('10.0.0.7'), 1)).toBe('10.0.0.7');
  });
});
