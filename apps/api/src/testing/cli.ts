// Runs `pnpm overture …` as a user would: a child process over its own data dir, stdin piped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestPglite } from './pglite-snapshot';

const apiRoot = join(import.meta.dirname, '../..');

export function runCli(args: string[], opts: { dataDir: string; input?: string; timeoutMs?: number }): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/overture.ts', ...args], {
    cwd: apiRoot,
    env: { ...process.env, OVERTURE_DATA_DIR: opts.dataDir, LOG_LEVEL: 'error' },
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A new data dir whose PostgreSQL is already migrated, from this run's image: the first command skips
 * creating and migrating a cluster, which the CLI's own tests cover once (`migrate`) and need not pay for each time.
 */
export async function migratedDataDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const store = await openTestPglite({ dataDir: dir });
  await store.close();
  return dir;
}
