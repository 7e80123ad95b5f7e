// Ingestion latency while 60 clients hammer the sign-in with wrong passwords.
// Usage: tsx apps/api/scripts/login-burst.ts [--throttle=on|off] [--batches=40]
// Prints key=value lines: ingest p50/p95 (ms) alone and under the burst, and what the burst got back.
// `--throttle=off` lifts the per-account/per-address limits so that only the hashing limit is measured.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { loadavg } from 'node:os';
import { createTestUser, startTestServer, type TestServer } from '../src/testing';
import { useLoginThrottle } from '../src/auth';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const throttle = arg('throttle', 'on') === 'on';
const batches = Number(arg('batches', '40'));

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function ingestOnce(server: TestServer): Promise<number> {
  const body = gzipSync(JSON.stringify({ batch: Array.from({ length: 50 }, (_, i) => ({ type: 'track', event: 'Bench', userId: `u-${i}`, messageId: randomUUID() })) }));
  const started = performance.now();
  const res = await fetch(`${server.url}/v1/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Basic ${Buffer.from(`${server.workspace.writeKey}:`).toString('base64')}` },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
  return performance.now() - started;
}

async function measure(server: TestServer): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < batches; i++) times.push(await ingestOnce(server));
  return times;
}

const server = await startTestServer();
try {
  if (!throttle) useLoginThrottle(server.app, { limits: { perAccount: 1e9, perIp: 1e9 } });
  const user = await createTestUser(server.app, [server.workspace.id]);
  await measure(server); // warm-up
  const alone = await measure(server);

  let stop = false;
  const statuses = new Map<number, number>();
  const attacker = async (n: number) => {
    while (!stop) {
      const res = await fetch(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ email: n % 2 ? user.email : `nobody-${n}@example.com`, password: `guess-${Math.random()}` }),
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  const attackers = Array.from({ length: 60 }, (_, n) => attacker(n));
  const underBurst = await measure(server);
  stop = true;
  await Promise.all(attackers);

  console.log(`throttle=${throttle ? 'on' : 'off'}`);
  console.log(`load_avg_1m=${loadavg()[0]!.toFixed(2)}`);
  console.log(`ingest_p50_ms_alone=${pct(alone, 50).toFixed(1)}`);
  console.log(`ingest_p95_ms_alone=${pct(alone, 95).toFixed(1)}`);
  console.log(`ingest_p50_ms_burst=${pct(underBurst, 50).toFixed(1)}`);
  console.log(`ingest_p95_ms_burst=${pct(underBurst, 95).toFixed(1)}`);
  console.log(`login_answers=${[...statuses].map(([s, n]) => `${s}:${n}`).join(',')}`);
} finally {
  await server.close();
}
