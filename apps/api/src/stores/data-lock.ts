import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who the lock file names, or null when there is none (or it cannot be read). */
function holderOf(file: string): { pid: number; holder: string } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { pid: number; holder: string };
  } catch {
    return null;
  }
}

/**
 * chDB and PGlite allow one process per data directory; two would corrupt it. The lock names the
 * holder so the second process can say who to stop.
 */
export function lockDataDir(dataDir: string, holder: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'overture.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, JSON.stringify({ pid: process.pid, holder }), { flag: 'wx' });
      const release = () => {
        process.off('exit', release);
        // Only while the lock is still this process's: a stale lock may have been taken over since.
        if (holderOf(file)?.pid === process.pid) rmSync(file, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const current = holderOf(file);
      if (current && current.pid !== process.pid && alive(current.pid)) {
        throw new DataDirBusyError(
          `The embedded stores in ${dataDir} are in use by ${current.holder} (pid ${current.pid}); stop it first, or point OVERTURE_DATA_DIR elsewhere.`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DataDirBusyError(`Could not lock ${dataDir}`);
}
