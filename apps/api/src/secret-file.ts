import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * Where the generated app secret lives when OVERTURE_SECRET is not given. It signs sessions and links
 * and encrypts channel passwords, so it stays out of the working directory (which the data dir usually
 * sits in, next to the source and anything else a misstep could expose): under the user's config
 * directory, one file per data directory, so two checkouts on one machine keep apart secrets.
 */
export function defaultSecretFile(dataDir: string, configHome: string | undefined): string {
  const base = configHome ? resolve(configHome) : join(homedir(), '.config');
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(base, 'overture', id, 'secret');
}

/**
 * Reads the secret from `file`, creating it (mode 0600) on the first start. An install from before
 * the move keeps its secret (links already sent and stored channel passwords depend on it): a
 * `secret` file found in the data dir is moved to `file`.
 */
export function persistentSecret(file: string, dataDir: string): string {
  const legacy = join(resolve(dataDir), 'secret');
  try {
    if (existsSync(file)) {
      const secret = readFileSync(file, 'utf8').trim();
      if (existsSync(legacy) && legacy !== resolve(file) && readFileSync(legacy, 'utf8').trim() === secret) rmSync(legacy);
      return secret;
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const secret = existsSync(legacy) ? readFileSync(legacy, 'utf8').trim() : randomBytes(32).toString('hex');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    if (existsSync(legacy) && legacy !== resolve(file)) rmSync(legacy);
    return secret;
  } catch (err) {
    throw new Error(
      `OVERTURE_SECRET_FILE: cannot keep the app secret in ${file} (${(err as Error).message}); set OVERTURE_SECRET_FILE to a writable path or OVERTURE_SECRET to a secret of at least 32 characters`,
    );
  }
}
