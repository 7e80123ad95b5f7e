// Where a measured server's event loop lost time. A 10 ms timer that fires late was held by one of:
// work on the main thread (on CPU: a long task, a GC pause), the process waiting for a CPU (run
// queue: other processes or threads had the cores), or the main thread asleep (blocked in a call,
// or a GC pause waiting for its helper threads). Linux's schedstat tells the three apart.
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createServer, type Server } from 'node:http';

export interface StallReport {
  /** Timer wake-ups later than the threshold, their total and longest delay. */
  stalls: number;
  stalledMs: number;
  maxStallMs: number;
  /** Of the stalled time: the main thread on CPU, waiting for a CPU, neither (asleep). */
  onCpuMs: number;
  runQueueMs: number;
  asleepMs: number;
  /** The main thread's time on CPU since the counters were reset, stalled or not. */
  mainCpuMs: number;
  /** GC pauses (any length), their total and longest. */
  gcs: number;
  gcMs: number;
  maxGcMs: number;
}

const schedstatPath = `/proc/${process.pid}/task/${process.pid}/schedstat`;
/** The main thread's time on CPU and waiting on a run queue, in ms (zeros where there is no schedstat). */
function schedstat(): [number, number] {
  try {
    const [onCpu, waiting] = readFileSync(schedstatPath, 'utf8').split(' ').map(Number);
    return [onCpu! / 1e6, waiting! / 1e6];
  } catch {
    return [0, 0];
  }
}

const empty = (): StallReport => ({ stalls: 0, stalledMs: 0, maxStallMs: 0, onCpuMs: 0, runQueueMs: 0, asleepMs: 0, mainCpuMs: 0, gcs: 0, gcMs: 0, maxGcMs: 0 });

export function watchLoopStalls(thresholdMs = 20, tickMs = 10): { reset(): void; report(): StallReport } {
  let r = empty();
  let last = performance.now();
  let [cpu, queue] = schedstat();
  setInterval(() => {
    const now = performance.now();
    const [c, q] = schedstat();
    const late = now - last - tickMs;
    if (late > thresholdMs) {
      const onCpu = Math.min(late, c - cpu);
      const runQueue = Math.min(late - onCpu, q - queue);
      r.stalls++;
      r.stalledMs += late;
      r.maxStallMs = Math.max(r.maxStallMs, late);
      r.onCpuMs += onCpu;
      r.runQueueMs += runQueue;
      r.asleepMs += Math.max(0, late - onCpu - runQueue);
    }
    r.mainCpuMs += c - cpu;
    last = now;
    [cpu, queue] = [c, q];
  }, tickMs).unref();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      r.gcs++;
      r.gcMs += e.duration;
      r.maxGcMs = Math.max(r.maxGcMs, e.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  return { reset: () => void (r = empty()), report: () => r };
}

/**
 * A control server (not listening yet) for a measured process's stall counts: GET reports them, POST
 * reports them and starts counting again.
 */
export function stallsControlServer(): Server {
  const stalls = watchLoopStalls();
  return createServer((req, res) => {
    const report = JSON.stringify(stalls.report());
    if (req.method === 'POST') stalls.reset();
    res.writeHead(200, { 'content-type': 'application/json' }).end(report);
  });
}
