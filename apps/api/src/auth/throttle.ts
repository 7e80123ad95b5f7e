import { createHash, randomBytes } from 'node:crypto';
import type { App } from '../app';
import type { Redis } from '../stores/redis';

export interface ThrottleLimits {
  /** Wrong passwords for one email (known or not) within the window before it is blocked. */
  perAccount: number;
  /** Wrong passwords from one client address within the window, over all emails. */
  perIp: number;
  windowMs: number;
}

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

  /** Milliseconds until this email may try again from this address; 0 when it may now. */
  async retryAfterMs(email: string, ip: string | undefined): Promise<number> {
    const now = this.now();
    let wait = 0;
    for (const { key, limit } of this.keys(email, ip)) {
      const res = await this.redis
        .multi()
        .zremrangebyscore(key, '-inf', now - this.limits.windowMs)
        .zrange(key, 0, -1, 'WITHSCORES')
        .exec();
      const members = (res?.[1]?.[1] as string[] | undefined) ?? [];
      const scores = members.filter((_, i) => i % 2 === 1).map(Number);
      if (scores.length < limit) continue;
      // Free again once enough of the oldest failures have left the window.
      const freedAt = scores[scores.length - limit]! + this.limits.windowMs;
      wait = Math.max(wait, freedAt - now);
    }
    return Math.max(0, wait);
  }

  /**
   * Counts an attempt as failed before its password is checked, so that parallel guesses cannot all
   * pass the check while the first hashes run; a right password takes it back (`recordSuccess`).
   */
  async recordAttempt(email: string, ip: string | undefined): Promise<string> {
    const now = this.now();
    const member = `${now}:${randomBytes(6).toString('hex')}`;
    const multi = this.redis.multi();
    for (const { key } of this.keys(email, ip)) {
      multi.zadd(key, now, member);
      multi.pexpire(key, this.limits.windowMs);
    }
    await multi.exec();
    return member;
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

const throttles = new WeakMap<App, LoginThrottle>();

/** The app's throttle; tests install one with their own clock and limits. */
export function loginThrottle(app: App): LoginThrottle {
  let throttle = throttles.get(app);
  if (!throttle) throttles.set(app, (throttle = new LoginThrottle(app.redis, app.config.queuePrefix)));
  return throttle;
}

export function useLoginThrottle(app: App, options: { limits?: Partial<ThrottleLimits>; now?: () => number } = {}): LoginThrottle {
  const throttle = new LoginThrottle(app.redis, app.config.queuePrefix, { ...defaultThrottleLimits, ...options.limits }, options.now);
  throttles.set(app, throttle);
  return throttle;
}
