// Another process of the cross-process invalidation test: the per-process caches of placements, SMTP
// settings, templates, journey settings and split winners over PostgreSQL (a test schema) and Redis, no ClickHouse (chDB allows one
// process per engine, and these caches read PostgreSQL only).
// Usage: tsx invalidation-process.fixture.ts <databaseUrl> <schema> <redisUrl> <prefix> <secret>
// Reads one JSON command a line on stdin and answers one JSON line on stdout; every invalidation it
// receives is printed too, with the time it arrived.
import { createInterface } from 'node:readline';
import type { App } from '../app-handle';
import { createPostgres } from './postgres';
import { createInvalidationBus, topics } from './invalidation';
import { TopicCache } from './topic-cache';
import { activePlacements } from '../onsite/placements';
import { getSmtpSettings } from '../channels/email/settings';
import { getTemplateForSend } from '../templates/store';
import { StoreGuardrails } from '../journeys/guardrails';
import { splitDecisions } from '../experiments/service';

async function main() {
  const [databaseUrl, schema, redisUrl, prefix, secret] = process.argv.slice(2);
  if (!databaseUrl || !schema || !redisUrl || !prefix || !secret) throw new Error('usage: invalidation-process <databaseUrl> <schema> <redisUrl> <prefix> <secret>');
  const postgres = await createPostgres({ url: databaseUrl, schema });
  const invalidation = createInvalidationBus(redisUrl, prefix);
  // The three caches as the composition root builds them (`createServices`).
  const services = {
    placementCache: new TopicCache(invalidation, topics.placements, { max: 10_000 }),
    smtpSettingsCache: new TopicCache(invalidation, topics.smtpSettings, { max: 10_000 }),
    templateSendCache: new TopicCache(invalidation, topics.templates, { max: 10_000 }),
    splitWinners: new TopicCache(invalidation, topics.experimentDecisions, { max: 10_000 }),
  };
  const app = { config: { secret }, postgres, invalidation, services } as unknown as App;
  // The journey engine's settings, as a runtime holds them (it listens for saves the same way).
  const guardrails = new StoreGuardrails(postgres.db, null, { now: () => Date.now() });
  invalidation.subscribe(topics.journeySettings, (ws) => guardrails.forgetSettings(ws));
  const splits = splitDecisions(app);
  const say = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  for (const topic of [topics.placements, topics.smtpSettings, topics.templates, topics.journeySettings, topics.experimentDecisions]) invalidation.subscribe(topic, (key) => say({ invalidated: topic, key, at: Date.now() }));
  await invalidation.ready();
  say({ ready: true });
  for await (const line of createInterface({ input: process.stdin })) {
    const cmd = JSON.parse(line) as { cmd: string; ws: string; name?: string };
    if (cmd.cmd === 'placements') say({ placements: (await activePlacements(app, cmd.ws)).map((p) => p.name) });
    else if (cmd.cmd === 'smtp') say({ port: (await getSmtpSettings(app, cmd.ws))?.port ?? null });
    else if (cmd.cmd === 'template') say({ subject: (await getTemplateForSend(app, cmd.ws, cmd.name!))?.subject ?? null });
    else if (cmd.cmd === 'journey-settings') say({ globalControlPercent: (await guardrails.settings(cmd.ws)).globalControlPercent });
    else if (cmd.cmd === 'split-winner') say({ splitWinner: await splits.winner(cmd.ws, cmd.name!) });
    else if (cmd.cmd === 'template-winner') say({ variantWinner: (await getTemplateForSend(app, cmd.ws, cmd.name!))?.variantWinner ?? null });
  }
  await invalidation.close();
  await postgres.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
