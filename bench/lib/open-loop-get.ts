// The GET twin of open-loop.ts, in its own process so its work does not share the measured server's
// event loop: GETs the given URLs at a fixed rate, whatever the answers' pace, and prints one JSON
// line of latency percentiles.
//   node --import tsx bench/lib/open-loop-get.ts <rate per s> <seconds> <urls.json> [authorization]
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { percentile } from './stats';

const [rateArg, secondsArg, urlsFile, authorization] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const urls = JSON.parse(readFileSync(urlsFile!, 'utf8')) as string[];
const agent = new Agent({ keepAlive: true, maxSockets: 256, scheduling: 'fifo' });

function get(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers: authorization ? { authorization } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function main() {
  const total = Math.floor(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
    for (; sent < due; sent++) {
      const url = urls[sent % urls.length]!;
      inFlight.push(
        (async () => {
          const t0 = performance.now();
          const status = await get(url);
          if (status === 200) latencies.push(performance.now() - t0);
          else errors++;
        })(),
      );
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({ ok: latencies.length, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN }));
  agent.destroy();
}

void main();
