// pnpm bench:ingest — sustained ingestion through HTTP (/v1/batch, 100 events a batch, 32 concurrent
// clients) against two baselines measured in the same run:
// a bare Node http server that parses the same bodies and stores nothing, and a durable one that
// stores them unvalidated in its own chDB `events` through the same group commit (the limit of the
// durable path). CPU per event of each server comes from /proc; then latency at a steady 5,000 events/s,
// twice: at once, while the worker still works off what the saturation left queued, and once it has;
// the durable baseline's latency at that rate is the floor the store itself sets. The platform answers
// as `pnpm start` does (once its ingest log has the events, unless `--ack=stored`); its saturation phase
// ends when the store has taken everything answered, so events/s is what reaches the store.
import { Agent, request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { percentile, round } from './lib/stats';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cpuOf, cpuSince, type CpuSample } from './lib/proc-cpu';
import { createClickhouse } from '@overture/api';
import { repoRoot, startPlatform, startProcess, type Running } from './lib/platform';
import { untilQueuesEmpty } from '@overture/api/testing';
import { Redis } from 'ioredis';
import type { StallReport } from './lib/loop-stalls';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 15);
const clients = Number(args.get('clients') ?? 32);
const batchSize = 100;
const steadyRate = Number(args.get('rate') ?? 5000);
// `--worker=off`: the API alone, as `start:api` runs in production; real-time processing waits in Redis.
const worker = args.get('worker') !== 'off';
// `--ack=stored`: acknowledge once the event store holds the events, instead of the embedded default (once logged).
const ack = args.get('ack');
if (ack !== undefined && ack !== 'logged' && ack !== 'stored') throw new Error('--ack must be logged or stored');

const names = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Signed Up'];

function makeBody(writeKey: string, seq: number): string {
  const sentAt = new Date().toISOString();
  const batch = Array.from({ length: batchSize }, (_, i) => {
    const user = `user-${(seq * batchSize + i) % 50_000}`;
    return i % 5 === 0
      ? { type: 'page', name: 'Product', anonymousId: `anon-${user}`, messageId: randomUUID(), timestamp: sentAt, properties: { path: `/products/${i}`, title: 'A product', referrer: 'https://www.google.com/' }, context: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', locale: 'en-GB', timezone: 'Europe/London' } }
      : { type: 'track', event: names[i % names.length], userId: user, messageId: randomUUID(), timestamp: sentAt, properties: { product_id: `sku-${i}`, price: 19.99, quantity: 1, currency: 'GBP' }, context: { library: { name: 'bench', version: '1' } } };
  });
  return JSON.stringify({ batch, sentAt, writeKey });
}

const agent = new Agent({ keepAlive: true, maxSockets: clients });

function post(url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Pre-built bodies, so the client spends its CPU sending, not generating. */
function bodies(writeKey: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => makeBody(writeKey, i));
}

/** Bodies whose batch got a 200 (each body's 100 message ids are distinct from every other body's). */
const acked = new Set<string>();

interface Saturation {
  eventsPerS: number;
  errors: number;
  /** CPU the server used over the phase, per acknowledged event (µs). */
  cpuPerEvent: CpuSample;
}

async function saturate(target: Running, payloads: string[], durationS: number, stores = true): Promise<Saturation> {
  const pid = target.child.pid!;
  const cpuBefore = cpuOf(pid);
  const url = new URL('/v1/batch', target.url);
  let next = 0;
  let ok = 0;
  let errors = 0;
  const deadline = performance.now() + durationS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const body = payloads[next++ % payloads.length]!;
        const status = await post(url, body).catch(() => 0);
        if (status === 200) {
          ok++;
          if (stores) acked.add(body);
        } else errors++;
      }
    }),
  );
  // Acknowledged from the ingest log is not yet stored: the phase lasts until the store has taken it all.
  if (stores) await untilLogStored(target);
  const cpu = cpuSince(pid, cpuBefore);
  const events = Math.max(1, ok * batchSize);
  return { eventsPerS: (ok * batchSize) / ((performance.now() - started) / 1000), errors, cpuPerEvent: { mainUs: cpu.mainUs / events, allUs: cpu.allUs / events } };
}

async function untilLogStored(target: Running): Promise<void> {
  for (;;) {
    const health = (await (await fetch(new URL('/healthz', target.url))).json()) as { ingest?: { unstoredBytes?: number } };
    if (!health.ingest?.unstoredBytes) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function steady(target: Running, payloads: string[], eventsPerS: number, durationS: number, stores = true): Promise<{ p50: number; p99: number; errors: number }> {
  const url = new URL('/v1/batch', target.url);
  const interval = (1000 * batchSize) / eventsPerS;
  const total = Math.floor((durationS * 1000) / interval);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const body = payloads[i % payloads.length]!;
        const status = await post(url, body).catch(() => 0);
        if (status === 200) {
          latencies.push(performance.now() - t0);
          if (stores) acked.add(body);
        } else errors++;
      })(),
    );
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

/** Opens the stopped platform's chDB and counts the workspace's distinct events: every acknowledged one must be there. */
async function countStored(dataDir: string, workspaceId: string): Promise<number> {
  const ch = createClickhouse({ dataDir });
  try {
    const rs = await ch.query({ query: 'SELECT uniqExact(message_id) AS n FROM events WHERE workspace_id = {ws:String}', query_params: { ws: workspaceId }, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string }>();
    return Number(row?.n ?? 0);
  } finally {
    await ch.close();
  }
}

const stallText = (r: StallReport) =>
  `event loop: ${r.stalls} stalls over 20 ms, longest ${round(r.maxStallMs)} ms, ${round(r.stalledMs)} ms in all (${round(r.onCpuMs)} on CPU, ${round(r.runQueueMs)} waiting for a core), longest GC ${round(r.maxGcMs)} ms`;

async function main() {
  const baseline = await startProcess(join(repoRoot, 'bench/lib/bare-server.ts'), repoRoot, {});
  const durableDir = mkdtempSync(join(tmpdir(), 'overture-bench-durable-'));
  const durable = await startProcess(join(repoRoot, 'bench/lib/durable-server.ts'), repoRoot, { OVERTURE_DATA_DIR: durableDir });
  const controlDir = mkdtempSync(join(tmpdir(), 'overture-bench-control-'));
  const stallsFile = join(controlDir, 'stalls-url');
  const platform = await startPlatform(
    { OVERTURE_WORKER: String(worker), BENCH_STALLS_FILE: stallsFile, ...(ack ? { INGEST_ACK: ack } : {}) },
    ['--import', join(repoRoot, 'bench/lib/stall-control.ts'), ...(args.has('profile') ? ['--cpu-prof', `--cpu-prof-dir=${args.get('profile')}`] : [])],
  );
  /** Where the platform's event loop lost time since the last call (see loop-stalls.ts). */
  const stallsSince = async (): Promise<StallReport> => (await (await fetch(readFileSync(stallsFile, 'utf8'), { method: 'POST' })).json()) as StallReport;
  try {
    const wk = platform.workspace.writeKey;
    console.log(`ingest bench: ${clients} clients, ${batchSize} events/batch, ${seconds}s per phase, worker ${worker ? 'on (real-time profiles, segments, journeys in the same process)' : 'off'}, acknowledged once ${ack ?? 'logged (the default)'}`);
    const warm = bodies(wk, 200);
    await saturate(platform, warm, 3); // warm-up: JIT, first parts, connection pool
    await saturate(durable, warm, 3, false);

    // Enough distinct bodies that even 40,000 events/s never resends one (a resent id is deduplicated, not stored).
    const perPhase = Math.ceil((seconds * 40_000) / batchSize);
    const payloads = bodies(wk, perPhase);
    const base = await saturate(baseline, payloads, seconds, false);
    console.log(`baseline: ${Math.round(base.eventsPerS)} events/s (${base.errors} errors)`);
    const durableBase = await saturate(durable, payloads, seconds, false);
    console.log(`durable baseline: ${Math.round(durableBase.eventsPerS)} events/s (${durableBase.errors} errors), ${cpuText(durableBase.cpuPerEvent)}`);
    const steadyBodies = Math.ceil((steadyRate * 10) / batchSize) + 10;
    const durableLat = await steady(durable, bodies(wk, steadyBodies), steadyRate, 10, false);
    console.log(`durable baseline at a steady ${steadyRate} events/s: p50 ${round(durableLat.p50)} ms, p99 ${round(durableLat.p99)} ms (${durableLat.errors} errors)`);
    await durable.stop();
    const fresh = bodies(wk, perPhase); // fresh message ids: nothing deduplicated away
    const ours = await saturate(platform, fresh, seconds);
    console.log(`overture: ${Math.round(ours.eventsPerS)} events/s (${ours.errors} errors), ${cpuText(ours.cpuPerEvent)}`);

    await stallsSince();
    const backlogged = await steady(platform, bodies(wk, steadyBodies), steadyRate, 10);
    const backloggedStalls = await stallsSince();
    console.log(`steady ${steadyRate} events/s right after saturating: p50 ${round(backlogged.p50)} ms, p99 ${round(backlogged.p99)} ms (${backlogged.errors} errors), ${stallText(backloggedStalls)}`);
    const drainS = worker ? await drainSeconds(platform.redisUrl, platform.queuePrefix) : 0;
    if (worker) console.log(`real-time backlog worked off ${round(drainS, 1)} s after`);
    await stallsSince();
    const lat = await steady(platform, bodies(wk, steadyBodies), steadyRate, 10);
    const stalls = await stallsSince();
    console.log(`steady ${steadyRate} events/s${worker ? ' with the backlog worked off' : ''}: p50 ${round(lat.p50)} ms, p99 ${round(lat.p99)} ms (${lat.errors} errors), ${stallText(stalls)}`);
    await platform.stopKeepingData();
    const stored = await countStored(platform.dataDir, platform.workspace.id);
    rmSync(platform.dataDir, { recursive: true, force: true });
    console.log(`acknowledged_events=${acked.size * batchSize} stored_events=${stored}`);
    if (stored < acked.size * batchSize) throw new Error(`${acked.size * batchSize - stored} acknowledged events are missing from ClickHouse`);

    console.log(`load_average_1m=${round(loadavg()[0]!, 2)}`);
    console.log(`ack=${ack ?? 'logged'}`);
    console.log(`p99_ms=${round(lat.p99)}`);
    console.log(`p99_after_saturation_ms=${round(backlogged.p99)}`);
    console.log(`p50_ms=${round(lat.p50)}`);
    // Where the platform's event loop lost time in the last steady phase: its longest stall, and all
    // stalled time split into the main thread on CPU and waiting for a core (see loop-stalls.ts).
    console.log(`loop_max_stall_ms=${round(stalls.maxStallMs)}`);
    console.log(`loop_stalled_ms=${round(stalls.stalledMs)}`);
    console.log(`loop_stalled_on_cpu_ms=${round(stalls.onCpuMs)}`);
    console.log(`loop_stalled_run_queue_ms=${round(stalls.runQueueMs)}`);
    console.log(`loop_gc_max_ms=${round(stalls.maxGcMs)}`);
    console.log(`loop_max_stall_after_saturation_ms=${round(backloggedStalls.maxStallMs)}`);
    console.log(`baseline_durable_p99_ms=${round(durableLat.p99)}`);
    console.log(`baseline_durable_p50_ms=${round(durableLat.p50)}`);
    if (worker) console.log(`backlog_drain_s=${round(drainS, 1)}`);
    console.log(`events_per_s=${Math.round(ours.eventsPerS)}`);
    console.log(`baseline_events_per_s=${Math.round(base.eventsPerS)}`);
    console.log(`ratio=${round(ours.eventsPerS / base.eventsPerS, 2)}`);
    console.log(`baseline_durable_events_per_s=${Math.round(durableBase.eventsPerS)}`);
    console.log(`ratio_durable=${round(ours.eventsPerS / durableBase.eventsPerS, 2)}`);
    console.log(`cpu_us_per_event_main=${round(ours.cpuPerEvent.mainUs)}`);
    console.log(`cpu_us_per_event_all_threads=${round(ours.cpuPerEvent.allUs)}`);
    console.log(`baseline_durable_cpu_us_per_event_main=${round(durableBase.cpuPerEvent.mainUs)}`);
    console.log(`baseline_durable_cpu_us_per_event_all_threads=${round(durableBase.cpuPerEvent.allUs)}`);
  } finally {
    agent.destroy();
    await platform.stop();
    await baseline.stop();
    await durable.stop();
    rmSync(durableDir, { recursive: true, force: true });
    rmSync(controlDir, { recursive: true, force: true });
  }
}

/** How long the platform's worker takes to empty its queues (the real-time work a burst left behind). */
async function drainSeconds(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  try {
    return await untilQueuesEmpty(redis, prefix, { pollMs: 200, timeoutMs: 600_000 });
  } finally {
    redis.disconnect();
  }
}

const cpuText = (c: CpuSample) => `CPU ${round(c.mainUs)} µs/event main thread, ${round(c.allUs)} µs/event all threads`;

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
