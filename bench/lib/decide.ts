// The decide half of `pnpm bench:channels` (see channels.ts for what it measures).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './platform';
import { round } from './stats';
import type { StallReport } from './loop-stalls';

/** Profiles the server seeds: the first half serves the warm-up, the second the measured run. */
export const knownProfiles = 4_000;

interface LoadResult {
  ok: number;
  errors: number;
  partial: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
}

function tsxChild(entry: string, args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(repoRoot, entry), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`child exited with ${code}:\n${out}`)));
  });
}

async function load(url: string, rate: number, seconds: number, bodiesFile: string): Promise<LoadResult> {
  const child = tsxChild('bench/lib/open-loop.ts', [url, String(rate), String(seconds), bodiesFile]);
  const m = await waitForLine(child, /^(\{.*\})$/m);
  return JSON.parse(m[1]!) as LoadResult;
}

/**
 * Page views of a visitor population: half known profiles (user id + their anonymous id, each seen
 * about every 4 s), half anonymous ids nobody has seen (so never cached for long).
 */
function decideBodies(writeKey: string, count: number, known: [number, number], anonPrefix: string): string[] {
  const paths = ['/products/mug', '/products/tee', '/products/cap/reviews', '/', '/cart', '/sale'];
  const width = known[1] - known[0];
  return Array.from({ length: count }, (_, n) => {
    const i = (n * 7919) % (width * 2);
    const ids = i < width ? { userId: `u${known[0] + i}`, anonymousId: `a${known[0] + i}` } : { anonymousId: `${anonPrefix}-${i}` };
    return JSON.stringify({ writeKey, ...ids, url: `https://shop.example${paths[n % paths.length]}?n=${n}` });
  });
}

export async function runDecideBench(opts: { databaseUrl: string; log: (m: string) => void; rate: number; seconds: number }): Promise<void> {
  const { log, rate, seconds } = opts;
  const dir = mkdtempSync(join(tmpdir(), 'overture-bench-decide-'));
  const bare = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { url?: string };
      const text = JSON.stringify({ placements: [], url: body.url });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  bare.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/v1/decide`;
  log(`decide: seeding ${knownProfiles} profiles, a segment and 5 placements`);
  // DECIDE_NODE_ARGS: node options for the measured server alone, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const server = tsxChild('bench/lib/decide-server.ts', [], { DATABASE_URL: opts.databaseUrl }, (process.env.DECIDE_NODE_ARGS ?? '').split(' ').filter(Boolean));
  try {
    const ready = JSON.parse((await waitForLine(server, /^ready (\{.*\})$/m))[1]!) as { url: string; writeKey: string; stallsUrl: string };
    const decideUrl = `${ready.url}/v1/decide`;
    const warm = join(dir, 'warm.json');
    writeFileSync(warm, JSON.stringify(decideBodies(ready.writeKey, 2_000, [0, knownProfiles / 2], 'warm')));
    const main = join(dir, 'main.json');
    writeFileSync(main, JSON.stringify(decideBodies(ready.writeKey, rate * seconds, [knownProfiles / 2, knownProfiles], 'anon')));

    log('decide: warm-up (JIT, pools, placement cache) at half the rate for 3 s');
    await load(decideUrl, Math.round(rate / 2), 3, warm);
    await load(bareUrl, Math.round(rate / 2), 2, warm);

    const before = loadavg()[0]!;
    log(`baseline: bare Node http handler, ${rate} requests/s for ${seconds} s`);
    const base = await load(bareUrl, rate, seconds, main);
    log(`decide: POST /v1/decide, ${rate} requests/s for ${seconds} s`);
    await fetch(ready.stallsUrl, { method: 'POST' });
    const ours = await load(decideUrl, rate, seconds, main);
    const stalls = (await (await fetch(ready.stallsUrl)).json()) as StallReport;
    log(`decide: p50 ${round(ours.p50, 2)} ms, p99 ${round(ours.p99, 2)} ms, max ${round(ours.max, 1)} ms, ${round(ours.rate, 0)} req/s, ${ours.errors} errors; baseline p50 ${round(base.p50, 2)} ms, p99 ${round(base.p99, 2)} ms (${base.errors} errors); load average ${round(before, 2)} → ${round(loadavg()[0]!, 2)}`);
    // A few resets under an overloaded machine are reported, not hidden; more than 1% fails the run.
    if (ours.errors > rate * seconds * 0.01 || base.errors > rate * seconds * 0.01) throw new Error(`decide bench had errors: decide ${ours.errors}, baseline ${base.errors}`);
    console.log(`decide_p99_ms=${round(ours.p99, 2)}`);
    console.log(`baseline_p99_ms=${round(base.p99, 2)}`);
    console.log(`decide_p50_ms=${round(ours.p50, 2)}`);
    console.log(`decide_rate=${round(ours.rate, 0)}`);
    console.log(`decide_errors=${ours.errors}`);
    // Answers given before the visitor's profile facts arrived (DECIDE_BUDGET_MS): only placements needing none.
    console.log(`decide_partial_share=${round(ours.partial / Math.max(1, ours.ok), 3)}`);
    console.log(`baseline_errors=${base.errors}`);
    // Where the decide server's event loop lost time during the measured run (see loop-stalls.ts).
    console.log(`server_stalls=${stalls.stalls}`);
    console.log(`server_max_stall_ms=${round(stalls.maxStallMs, 0)}`);
    console.log(`server_stalled_ms=${round(stalls.stalledMs, 0)}`);
    console.log(`server_stalled_on_cpu_ms=${round(stalls.onCpuMs, 0)}`);
    console.log(`server_stalled_run_queue_ms=${round(stalls.runQueueMs, 0)}`);
    console.log(`server_stalled_asleep_ms=${round(stalls.asleepMs, 0)}`);
    // CPU per answer does not count waits, so it compares runs on a busy machine better than latency.
    console.log(`server_cpu_us_per_request=${round((stalls.mainCpuMs * 1000) / Math.max(1, ours.ok + ours.errors), 0)}`);
    console.log(`server_gc_ms=${round(stalls.gcMs, 0)}`);
    console.log(`server_gc_max_ms=${round(stalls.maxGcMs, 0)}`);
  } finally {
    await new Promise<void>((r) => {
      if (server.exitCode !== null) return r();
      server.once('exit', () => r());
      server.kill('SIGTERM');
    });
    bare.closeAllConnections();
    await new Promise<void>((r) => bare.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}
