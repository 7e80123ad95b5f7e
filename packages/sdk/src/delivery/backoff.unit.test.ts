import { describe, expect, it } from 'vitest';
import { retryable, retryDelay } from './backoff';

describe('retryDelay', () => {
  it('doubles per attempt with jitter in the upper half, capped', () => {
    expect(retryDelay(1, null, 0, 1000, 30000, () => 0)).toBe(500);
    expect(retryDelay(1, null, 0, 1000, 30000, () => 1)).toBe(1000);
    expect(retryDelay(3, null, 0, 1000, 30000, () => 1)).toBe(4000);
    expect(retryDelay(20, null, 0, 1000, 30000, () => 1)).toBe(30000);
  });

  it("honours the server's Retry-After, in seconds or as a date", () => {
    expect(retryDelay(1, '7', 0)).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelay(1, 'Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
    expect(retryDelay(1, 'garbage', 0, 1000, 30000, () => 1)).toBe(1000);
  });
});

describe('retryable', () => {
  it('retries network errors, 408, 429 and 5xx only', () => {
    expect([0, 408, 429, 500, 503].every(retryable)).toBe(true);
    expect([200, 400, 401, 404, 413].some(retryable)).toBe(false);
  });
});
