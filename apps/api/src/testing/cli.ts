// Runs `pnpm overture …` as a user would: a child process over its own data dir, stdin piped.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleForNode } from './bundle-for-node';
import { openTestPglite } from './pglite-snapshot';

const apiRoot = join(import.meta.dirname, '../..');
const repoRoot = join(apiRoot, '../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  dataDir: string;
  input?: string;
  timeoutMs?: number;
  /**
   * `script` runs the command through `scripts/overture.sh`, the launcher `pnpm overture` calls.
   * By default the CLI's sources run bundled into one file (same code, a third of the start-up).
   */
  launcher?: 'bundle' | 'script';
}

/** The CLI's sources bundled into one file that plain `node` runs (built once per test process). */
export const bundledCli = (): Promise<string> => bundleForNode(join(apiRoot, 'src/cli/overture.ts'));

export async function runCli(args: string[], opts: CliOptions): Promise<CliRun> {
  const command = opts.launcher === 'script' ? ['bash', [join(repoRoot, 'scripts/overture.sh'), ...args]] as const : [process.execPath, [await bundledCli(), ...args]] as const;
  const child = spawn(command[0], command[1], {
    cwd: apiRoot,
    env: { ...process.env, OVERTURE_DATA_DIR: opts.dataDir, LOG_LEVEL: 'error' },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? 180_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.on('error', () => undefined).end(opts.input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  return { code, stdout, stderr };
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
