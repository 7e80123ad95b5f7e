// pnpm bench:channels [--emails=2000] [--concurrency=32] [--rate=1000] [--seconds=10] [--skip-decide | --only=email|decide]
// Email throughput of the real sender (template lookup, consent and suppression checks, liquid over
// a compiled MJML layout, signed tracking links, pooled SMTP, outcome rows into ClickHouse) into a
// local SMTP sink, against bare pooled nodemailer into the same sink in the same run.
// Profiles are passed in as the journey engine passes them: the profile store is not what this measures.
// Then onsite decide: POST /v1/decide on the real HTTP server at a steady --rate (default 1,000/s)
// for --seconds (default 10), sent by an open-loop client in its own process, against a bare Node
// http handler that parses the same bodies and answers an empty decision, at the same rate in the
// same run (`decide_p99_ms`, `baseline_p99_ms`). The visitors are a mix of known profiles (half in
// the segment a placement targets) and never-seen anonymous ids, so most look-ups miss the caches.
// `server_*` figures say where the decide server's event loop lost time in the measured run: late
// timer wake-ups (`server_stalls`), split into its main thread on CPU, waiting for a CPU (run queue:
// the machine or its other threads were busy) and asleep (e.g. a GC pause waiting on helper threads).
// --skip-decide (or --only=email) runs the email part alone, --only=decide the decide part alone, to iterate on either.
// Uses PostgreSQL (DATABASE_URL, default the local `test` db) in a fresh schema, removed at the end.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { closeTransports, createApp, createWorkspace, parseEnv, saveEmailSettings, saveTemplate, sendEmail, toConfig } from '@overture/api';
import { round } from './lib/stats';
import { runDecideBench } from './lib/decide';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const emails = Number(args.get('emails') ?? 2_000);
const concurrency = Number(args.get('concurrency') ?? 32);
const skipDecide = args.has('skip-decide') || args.get('only') === 'email';
const onlyDecide = args.get('only') === 'decide';
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

const layout = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hello {{ profile.traits.first_name }}, these sold best this week:</mj-text>
  <mj-text>{% for p in recommendations %}<p><a href="https://shop.example/p/{{ p.product_id }}">{{ p.name }}</a></p>{% endfor %}</mj-text>
  <mj-button href="https://shop.example/sale?u={{ profile.id }}">Shop the sale</mj-button>
  <mj-text><a href="{{ unsubscribe_url }}" data-overture-notrack>Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

async function inParallel(n: number, width: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await one(next++);
  }));
  return n / ((performance.now() - t) / 1000);
}

const decideBench = () => runDecideBench({ databaseUrl, log, rate: Number(args.get('rate') ?? 1_000), seconds: Number(args.get('seconds') ?? 10) });

async function main() {
  if (onlyDecide) return decideBench();
  const id = randomBytes(4).toString('hex');
  const schema = `bench_channels_${id}`;
  const config = toConfig(parseEnv({ OVERTURE_DATA_DIR: mkdtempSync(join(tmpdir(), 'overture-bench-channels-')), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, OVERTURE_QUEUE_PREFIX: `bench-channels-${id}`, OVERTURE_SECRET: randomBytes(32).toString('hex'), OVERTURE_DEMO: 'false', LOG_LEVEL: 'warn', OUTBOUND_ALLOW: '127.0.0.1' }));
  const app = await createApp(config, { postgresSchema: schema });
  let received = 0;
  const sink = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, _session, cb) {
      stream.resume();
      stream.on('end', () => {
        received++;
        cb();
      });
    },
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const port = (sink.server.address() as AddressInfo).port;
  try {
    const ws = await createWorkspace(app.postgres.db, 'bench');
    await saveEmailSettings(app, ws.id, { host: '127.0.0.1', port, fromAddress: 'shop@example.com', fromName: 'Shop' });
    await saveTemplate(app, ws.id, { name: 'Weekly', channel: 'email', subject: 'Hi {{ profile.traits.first_name }}', body: layout, subscriptionGroup: 'news' });

    log(`baseline: ${emails} emails through bare pooled nodemailer, ${concurrency} at a time`);
    const bare = nodemailer.createTransport({ pool: true, maxConnections: 5, maxMessages: 500, host: '127.0.0.1', port });
    const html = `<p>${'x'.repeat(4_000)}</p>`;
    const baseline = await inParallel(emails, concurrency, (i) => bare.sendMail({ from: 'shop@example.com', to: `u${i}@example.com`, subject: 'Hi', html }));
    bare.close();

    log(`overture: ${emails} emails through sendEmail`);
    const before = received;
    await sendEmail(app, { workspaceId: ws.id, profileId: 'warm-up', template: 'Weekly', profile: { id: 'warm-up', traits: { email: 'warm@example.com' } } });
    const rate = await inParallel(emails, concurrency, async (i) => {
      const profileId = `p_${i}`;
      const r = await sendEmail(app, { workspaceId: ws.id, profileId, template: 'Weekly', profile: { id: profileId, traits: { email: `u${i}@example.com`, first_name: `U${i}` } } });
      if (r.status !== 'sent') throw new Error(`email ${i} not sent: ${r.status}`);
    });
    if (received - before !== emails + 1) throw new Error(`the sink received ${received - before} emails, expected ${emails + 1}`);
    console.log(`emails_per_s=${round(rate, 0)}`);
    console.log(`baseline_emails_per_s=${round(baseline, 0)}`);
    console.log(`ratio=${round(rate / baseline, 2)}`);
    if (skipDecide) return;
    await decideBench();
  } finally {
    closeTransports(app);
    await new Promise<void>((r) => sink.close(() => r()));
    await sql.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).execute(app.postgres.db).catch(() => undefined);
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
