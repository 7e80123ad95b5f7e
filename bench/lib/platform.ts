import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { deleteQueueKeys } from '@overture/api/testing';
import { ownRedisUrl } from '@overture/api';

export const repoRoot = join(import.meta.dirname, '../..');
const apiRoot = join(repoRoot, 'apps/api');

export interface Running {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript entry in its own Node process and waits for its "listening on URL" line.
 * `nodeArgs` come after tsx's loader, so an `--import` among them may name a TypeScript file.
 */
export function startProcess(entry: string, cwd: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs, entry], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/(?:localhost|127\.0\.0\.1):\d+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({
          child,
          url: m[1]!.replace('localhost', '127.0.0.1'),
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${out}`)));
  });
}

export interface Platform extends Running {
  workspace: { id: string; writeKey: string; secretKey: string };
  dataDir: string;
  /** The Redis it uses (REDIS_URL, or the one it starts under its data dir) and its queue prefix (before the install id). */
  redisUrl: string;
  queuePrefix: string;
  /** Stops the process but leaves its data dir, so the caller can open the stores afterwards. */
  stopKeepingData(): Promise<void>;
}

/** The real platform (embedded stores, API + worker in one process) in a fresh data dir. */
export async function startPlatform(extraEnv: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'overture-bench-'));
  const env: Record<string, string> = { OVERTURE_DATA_DIR: dataDir, OVERTURE_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', OVERTURE_QUEUE_PREFIX: `bench-${randomBytes(4).toString('hex')}`, ...extraEnv };
  const created = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/overture.ts', 'workspace', 'create', '--name', 'Bench', '--json'], { cwd: apiRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (created.status !== 0) throw new Error(`workspace create failed: ${created.stderr}`);
  const workspace = JSON.parse(created.stdout) as Platform['workspace'];
  const running = await startProcess('src/main.ts', apiRoot, env, nodeArgs);
  return {
    ...running,
    workspace,
    dataDir,
    redisUrl: env.REDIS_URL ?? process.env.REDIS_URL ?? ownRedisUrl(dataDir),
    queuePrefix: env.OVERTURE_QUEUE_PREFIX!,
    stop: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
      // With the worker off, the events queue still holds every batch.
      await deleteQueueKeys(env.OVERTURE_QUEUE_PREFIX!, env.REDIS_URL ?? process.env.REDIS_URL);
    },
    stopKeepingData: () => running.stop(),
  };
}
