import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import pLimit from 'p-limit';

const scryptRaw = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * Each hash holds a libuv thread (4 by default, shared with gzip, file and DNS work of ingestion) and
 * 128 MiB for a few hundred ms: a burst of sign-ins would take every thread and gigabytes. One hash runs
 * at a time, a few wait, and past that a sign-in is turned away at once.
 */
const hashing = pLimit(1);
const maxWaiting = 32;

export class PasswordHashingBusyError extends Error {
  constructor() {
    super('Too many sign-ins at once: try again in a second');
  }
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  if (hashing.pendingCount >= maxWaiting) return Promise.reject(new PasswordHashingBusyError());
  return hashing(() => scryptRaw(password, salt, keylen, options));
}

/** How many hashes run and wait now (for tests and health). */
export const hashingLoad = () => ({ active: hashing.activeCount, waiting: hashing.pendingCount });

// OWASP's scrypt floor: N=2^17, r=8, p=1 (128 MiB); stored with the hash so it can be raised later.
const params = { N: 2 ** 17, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { ...params, maxmem: 256 * 1024 * 1024 });
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(key, expected);
}
