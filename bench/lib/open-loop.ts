// An open-loop HTTP load generator in its own process (so its work does not share the measured
// server's event loop): POSTs the given bodies at a fixed rate, whatever the answers' pace, and
// prints one JSON line of latency percentiles.
//   node --import tsx bench/lib/open-loop.ts <url> <rate per s> <seconds> <bodies.json>
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { percentile } from './stats';

const [url, rateArg, secondsArg, bodiesFile] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const bodies = JSON.parse(readFileSync(bodiesFile!, 'utf8')) as string[];
// FIFO: sockets take turns, so none sits idle long enough for the server's keep-alive timeout to
// close it under a request being sent (a reset that is the client's artefact, not the server's).
const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'fifo' });
const target = new URL(url!);

/** Status and whether the answer said `partial` (decide answered before the profile's facts arrived). */
function post(body: string): Promise<{ status: number; partial: boolean }> {
  return new Promise((resolve) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, partial: text.includes('"partial":true') }));
    });
    req.on('error', () => resolve({ status: 0, partial: false }));
    req.end(body);
  });
}

async function main() {
  const total = Math.floor(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let errors = 0;
  let partial = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    // Send everything due by now (timers fire late on a busy machine; the schedule does not slip).
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const body = bodies[sent % bodies.length]!;
      inFlight.push(
        (async () => {
          const t0 = performance.now();
          const answer = await post(body);
          if (answer.status === 200) latencies.push(performance.now() - t0);
          else errors++;
          if (answer.partial) partial++;
        })(),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({ ok: latencies.length, errors, partial, rate: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN }));
  agent.destroy();
}

void main();
