import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createClickhouse } from '../stores/clickhouse';
import { deleteQueueKeys } from '../testing';
import { bundleForNode } from '../testing/bundle-for-node';
import { bundledCli } from '../testing/cli';
import { until } from '../testing/journeys';
import { decodeRecords } from '../events/ingest-log';

const apiRoot = join(import.meta.dirname, '../..');
// One node process (no wrapper), so SIGKILL hits the process that holds the stores. The platform and
// the CLI run from their sources bundled into one file each (same code, less start-up).
const node = (args: string[]) => [process.execPath, args] as const;
let platformEntry = '';
let cliEntry = '';
beforeAll(async () => {
  [platformEntry, cliEntry] = await Promise.all([bundleForNode(join(apiRoot, 'src/main.ts')), bundledCli()]);
});

const queuePrefix = `dur-${randomUUID().slice(0, 8)}`;

function env(dataDir: string) {
  return { ...process.env, OVERTURE_DATA_DIR: dataDir, OVERTURE_DEMO: 'false', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', OVERTURE_QUEUE_PREFIX: queuePrefix, INGEST_ACK: 'logged' };
}

function startPlatform(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(...node([platformEntry, 'all']), { cwd: apiRoot, env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`platform did not start: ${out}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`platform exited with ${code}: ${out}`)));
  });
}

/** Message ids the embedded store in `dataDir` holds for the workspace (opened while no platform runs). */
async function storedIds(dataDir: string, workspaceId: string): Promise<Set<string>> {
  const ch = createClickhouse({ dataDir });
  try {
    const rs = await ch.query({ query: 'SELECT message_id FROM events WHERE workspace_id = {ws:String}', query_params: { ws: workspaceId }, format: 'JSONEachRow' });
    return new Set((await rs.json<{ message_id: string }>()).map((r) => r.message_id));
  } finally {
    await ch.close();
  }
}

const dirs: string[] = [];
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await deleteQueueKeys(queuePrefix);
});

describe('acknowledged means durable', () => {
  it('keeps every acknowledged event when the process holding the embedded stores is killed mid-ingest', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overture-durable-'));
    dirs.push(dataDir);
    const created = spawnSync(...node([cliEntry, 'workspace', 'create', '--name', 'Durable', '--json']), { cwd: apiRoot, env: env(dataDir), encoding: 'utf8' });
    expect(created.status, created.stderr).toBe(0);
    const ws = JSON.parse(created.stdout) as { id: string; writeKey: string; secretKey: string };

    const first = await startPlatform(dataDir);
    const acknowledged: string[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const batch = Array.from({ length: 50 }, () => ({ type: 'track', event: 'Durable', userId: `u${Math.floor(Math.random() * 100)}`, messageId: randomUUID() }));
        try {
          const res = await fetch(`${first.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey: ws.writeKey, batch }) });
          if (res.status === 200) acknowledged.push(...batch.map((e) => e.messageId));
        } catch {
          // connection reset by the kill: these were never acknowledged
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Kill mid-ingest once a good share is acknowledged, however busy the machine is.
    await until(async () => acknowledged.length, (n) => n >= 1000, 60_000, 'a thousand acknowledged events');
    first.child.kill("SIGKILL");
    stop = true;
    await Promise.all(clients);
    if (first.child.exitCode === null && first.child.signalCode === null) await new Promise((r) => first.child.once('exit', r));
    expect(acknowledged.length).toBeGreaterThan(500);

    // Every acknowledged event is in ClickHouse or in the ingest log the killed process left.
    const storedBefore = await storedIds(dataDir, ws.id);
    const logDir = join(dataDir, 'ingest-log');
    const logged = new Set(readdirSync(logDir).filter((n) => n.endsWith('.log')).flatMap((n) => decodeRecords(readFileSync(join(logDir, n))).records.flat().map((r) => r.message_id)));
    expect(acknowledged.filter((id) => !storedBefore.has(id) && !logged.has(id))).toEqual([]);

    // A restart on the same data: it stores what the killed process had logged but not stored, and no
    // store was left corrupt.
    const second = await startPlatform(dataDir);
    try {
      const health = (await (await fetch(`${second.url}/healthz`)).json()) as { ok: boolean };
      expect(health.ok).toBe(true);
      const res = await fetch(`${second.url}/v1/events?limit=10&event=Durable`, { headers: { authorization: `Bearer ${ws.secretKey}` } });
      expect(((await res.json()) as { events: unknown[] }).events).toHaveLength(10);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }

    const stored = await storedIds(dataDir, ws.id);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  }, 180_000);
});
