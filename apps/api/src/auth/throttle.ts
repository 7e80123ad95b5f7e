import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '../stores/redis';

export interface ThrottleLimits {
  /** Wrong passwords for one email (known or not) within the window before it is blocked. */
  perAccount: number;
  /** Wrong passwords from one client address within the window, over all emails. */
  perIp: number;
  windowMs: number;
}

// KEYS: the counts (account, then address); ARGV: now, window, attempt id, then each key's limit.
// Free again once enough of the oldest failures have left the window.
const reserveScript = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[3 + i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= limit then
    local oldest = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
end
return 0
`;

export const defaultThrottleLimits: ThrottleLimits = { perAccount: 5, perIp: 30, windowMs: 15 * 60_000 };

/**
 * Sliding-window counts of failed sign-ins, in Redis so that every API process shares them: one sorted
 * set per account and per address, scored by the failure's time. Times come from `now`, so tests move
 * the clock instead of sleeping; entries also expire in Redis once out of any window.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly limits: ThrottleLimits = defaultThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(email: string, ip: string | undefined): Array<{ key: string; limit: number }> {
    // The email is hashed: Redis holds no addresses, and any string (even a huge one) makes one short key.
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    const keys = [{ key: `${this.prefix}:login:account:${account}`, limit: this.limits.perAccount }];
    if (ip) keys.push({ key: `${this.prefix}:login:ip:${ip.slice(0, 64)}`, limit: this.limits.perIp });
    return keys;
  }

  /**
   * Counts an attempt before its password is checked, so that parallel guesses cannot all pass while
   * the first hashes run: in one Redis script, drops failures older than the window, and either
   * answers how long until this email may try again from this address (nothing recorded) or records
   * the attempt in both counts. A right password takes it back (`recordSuccess`).
   */
  async reserve(email: string, ip: string | undefined): Promise<{ retryAfterMs: number; attempt: string }> {
    const now = this.now();
    const attempt = `${now}:${randomBytes(6).toString('hex')}`;
    const keys = this.keys(email, ip);
    const wait = (await this.redis.eval(
      reserveScript,
      keys.length,
      ...keys.map((k) => k.key),
      now,
      this.limits.windowMs,
      attempt,
      ...keys.map((k) => k.limit),
    )) as number;
    return { retryAfterMs: Math.max(0, wait), attempt };
  }

  /** An attempt turned away before its password was checked (too many at once) does not count. */
  async forgetAttempt(email: string, ip: string | undefined, attempt: string): Promise<void> {
    const multi = this.redis.multi();
    for (const { key } of this.keys(email, ip)) multi.zrem(key, attempt);
    await multi.exec();
  }

  /** After a right password the account starts afresh, and the address's count loses this attempt. */
  async recordSuccess(email: string, ip: string | undefined, attempt: string): Promise<void> {
    const [account, address] = this.keys(email, ip);
    const multi = this.redis.multi().del(account!.key);
    if (address) multi.zrem(address.key, attempt);
    await multi.exec();
  }
}

/** What the throttle functions need of the App handle (this file is built from by the composition root). */
interface ThrottleHost {
  redis: Redis;
  config: { queuePrefix: string };
  services: { loginThrottle: LoginThrottle };
}

/** The app's throttle (`app.services.loginThrottle`). */
export function loginThrottle(app: ThrottleHost): LoginThrottle {
  return app.services.loginThrottle;
}

/** Tests install one with their own clock and limits. */
export function useLoginThrottle(app: ThrottleHost, options: { limits?: Partial<ThrottleLimits>; now?: () => number } = {}): LoginThrottle {
  const throttle = new LoginThrottle(app.redis, app.config.queuePrefix, { ...defaultThrottleLimits, ...options.limits }, options.now);
  app.services.loginThrottle = throttle;
  return throttle;
}
