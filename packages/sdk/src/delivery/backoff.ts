/** Exponential backoff with jitter (half fixed, half random), or the server's `Retry-After` when it gave one. */
export function retryDelay(attempt: number, retryAfter: string | null, now: number, base = 1000, max = 30000, random = Math.random): number {
  if (retryAfter) {
    const s = +retryAfter;
    const ms = s >= 0 ? s * 1000 : Date.parse(retryAfter) - now;
    if (ms >= 0) return Math.min(ms, 3600e3);
  }
  const d = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return (d * (1 + random())) / 2;
}

/** Network errors, timeouts, 429 and 5xx are worth retrying; any other 4xx will fail the same way again. */
export const retryable = (status: number) => !status || status == 408 || status == 429 || status >= 500;
