import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClickhouse, migrateClickhouse } from '../stores/clickhouse';

export interface ClickhouseFrontProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * One migrated ClickHouse (a chDB engine behind its HTTP front, in a process of its own) for tests
 * whose child processes all need a ClickHouse: each child then connects to it as to a server instead
 * of loading and migrating an engine of its own.
 */
export async function startClickhouseFrontProcess(): Promise<ClickhouseFrontProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'overture-ch-front-'));
  const proc = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'clickhouse-front-main.ts'), dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => line.startsWith('{') && resolve((JSON.parse(line) as { url: string }).url));
    void exited.then(() => reject(new Error('the ClickHouse front exited before it listened')));
  });
  const client = createClickhouse({ url });
  try {
    await migrateClickhouse(client);
  } finally {
    await client.close();
  }
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
