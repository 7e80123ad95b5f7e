// The measured side of the decide bench, in its own process (chDB allows one engine per process,
// and the load generator must not share its event loop): the real HTTP server on the test stores
// (PostgreSQL in a fresh schema, chDB), a workspace with profiles, a segment and placements.
// Prints `ready {"url", "writeKey", "stallsUrl"}` when seeded; SIGTERM removes everything it made.
// `stallsUrl` (on a port of its own) reports the event-loop stall counters (GET) and resets them (POST).
import type { AddressInfo } from 'node:net';
import { startTestServer } from '@overture/api/testing';
import { createSegment, parseEnv, recomputeWorkspace, savePlacement } from '@overture/api';
import { knownProfiles } from './decide';
import { stallsControlServer } from './loop-stalls';

const control = stallsControlServer();

async function main() {
  // Production's decide budget, not the test servers' patient one.
  const budget = String(parseEnv({}).DECIDE_BUDGET_MS);
  const server = await startTestServer({ postgres: 'postgres', env: { DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', LOG_LEVEL: 'warn', DECIDE_BUDGET_MS: budget } });
  const { app, workspace: ws } = server;
  const stop = async () => {
    control.close();
    await server.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  // Known visitors through real ingestion, then the scheduled recompute (identities, traits, segments).
  for (let from = 0; from < knownProfiles; from += 500) {
    const batch = Array.from({ length: Math.min(500, knownProfiles - from) }, (_, k) => {
      const i = from + k;
      return { type: 'identify', userId: `u${i}`, anonymousId: `a${i}`, traits: { first_name: `Name${i}`, tier: i % 2 === 0 ? 'vip' : 'basic' } };
    });
    const res = await fetch(`${server.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey: ws.writeKey, batch }) });
    if (!res.ok) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  }
  const vip = await createSegment(app, ws.id, { name: 'VIP', definition: { type: 'trait', trait: 'tier', op: 'eq', value: 'vip' } });
  await recomputeWorkspace(app, ws.id);
  await savePlacement(app, ws.id, { name: 'VIP slide-in', kind: 'slide_in', priority: 10, content: '<p>Hi {{ profile.traits.first_name | default: "there" }}, 20% off today</p><a href="https://shop.example/deal">See the deal</a>', rules: { urls: ['/products/*'], segments: [vip.id], scrollPercent: 30 } });
  await savePlacement(app, ws.id, { name: 'Sale bar', kind: 'top_bar', content: '<b>Free shipping</b> this week', rules: { frequency: { max: 3, days: 1 } } });
  await savePlacement(app, ws.id, { name: 'Exit modal', kind: 'modal', content: '<h2>Wait!</h2><p>10% off your first order</p>', rules: { urls: ['/products/**', '/cart'], exitIntent: true, frequency: { max: 1, days: 7 } } });
  await savePlacement(app, ws.id, { name: 'Hero', kind: 'inline', target: 'hero', content: '<h1>New season</h1>', rules: { urls: ['/'] } });
  await savePlacement(app, ws.id, { name: 'Checkout CTA', kind: 'cta', target: '#checkout', content: 'Pay now, {{ traits.first_name | default: "friend" }}', href: 'https://shop.example/checkout?fast=1', rules: { urls: ['/cart'] } });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', () => r()));
  const stallsUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}/stalls`;
  console.log(`ready ${JSON.stringify({ url: server.url, writeKey: ws.writeKey, vipSegment: vip.id, stallsUrl })}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
