import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { createTestApp, createTestUser, createWorkspace, type TestApp } from '../testing';
import { testServers } from '../env';
import { savePlacement } from '../onsite';
import { saveEmailSettings } from '../channels';
import { saveTemplate, setTemplateVariantWinner } from '../templates';
import { createExperiment, pickWinnerAndApply } from '../experiments';
import { appRouter } from '../trpc/root';
import { topics } from './invalidation';

const fixture = join(import.meta.dirname, 'invalidation-process.fixture.ts');

type Line = Record<string, unknown>;

/** A second OS process holding the per-process caches of placements, SMTP settings and templates. */
class OtherProcess {
  readonly child: ChildProcess;
  #lines: Line[] = [];
  #waiters: Array<{ match: (l: Line) => boolean; resolve: (l: Line) => void }> = [];

  constructor(app: TestApp) {
    this.child = spawn(process.execPath, ['--import', 'tsx', fixture, testServers().databaseUrl, app.postgres.schema!, app.config.redisUrl, app.queuePrefix, app.config.secret], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (raw) => {
      const line = JSON.parse(raw) as Line;
      const i = this.#waiters.findIndex((w) => w.match(line));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(line);
      else this.#lines.push(line);
    });
  }

  next(match: (l: Line) => boolean): Promise<Line> {
    const i = this.#lines.findIndex(match);
    if (i >= 0) return Promise.resolve(this.#lines.splice(i, 1)[0]!);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  async ask(cmd: Record<string, string>, answerKey: string): Promise<unknown> {
    const answer = this.next((l) => answerKey in l);
    this.child.stdin!.write(`${JSON.stringify(cmd)}\n`);
    return (await answer)[answerKey];
  }

  /** Milliseconds from `sentAt` until the other process received the invalidation. */
  async heard(topic: string, key: string, sentAt: number): Promise<number> {
    const line = await this.next((l) => l.invalidated === topic && l.key === key);
    return (line.at as number) - sentAt;
  }
}

describe('cross-process cache invalidation (a child process, real PostgreSQL and Redis)', () => {
  let app: TestApp;
  let other: OtherProcess;

  beforeAll(async () => {
    app = await createTestApp({ postgres: 'postgres' });
  });
  afterAll(async () => {
    other?.child.kill('SIGKILL');
    await app?.close();
  });

  it('a save in one process drops the cached copies in another at once', async () => {
    const ws = await createWorkspace(app.postgres.db, 'invalidation');
    const placement = await savePlacement(app, ws.id, { name: 'Spring sale', kind: 'top_bar', content: 'Spring' });
    await saveEmailSettings(app, ws.id, { host: '127.0.0.1', port: 2525, fromAddress: 'shop@example.com' });
    const template = await saveTemplate(app, ws.id, { name: 'Welcome', channel: 'onsite', subject: 'Hello v1', body: '<p>Hi</p>' });

    other = new OtherProcess(app);
    await other.next((l) => l.ready === true);
    // The other process now holds each in its cache (for 5 s).
    expect(await other.ask({ cmd: 'placements', ws: ws.id }, 'placements')).toEqual(['Spring sale']);
    expect(await other.ask({ cmd: 'smtp', ws: ws.id }, 'port')).toBe(2525);
    expect(await other.ask({ cmd: 'template', ws: ws.id, name: 'Welcome' }, 'subject')).toBe('Hello v1');

    const latencies: number[] = [];
    let sent = Date.now();
    await savePlacement(app, ws.id, { ...placement, name: 'Summer sale' });
    latencies.push(await other.heard(topics.placements, ws.id, sent));
    expect(await other.ask({ cmd: 'placements', ws: ws.id }, 'placements')).toEqual(['Summer sale']);

    sent = Date.now();
    await saveEmailSettings(app, ws.id, { host: '127.0.0.1', port: 2526, fromAddress: 'shop@example.com' });
    latencies.push(await other.heard(topics.smtpSettings, ws.id, sent));
    expect(await other.ask({ cmd: 'smtp', ws: ws.id }, 'port')).toBe(2526);

    sent = Date.now();
    await saveTemplate(app, ws.id, { id: template.id, name: 'Welcome', channel: 'onsite', subject: 'Hello v2', body: '<p>Hi</p>' });
    latencies.push(await other.heard(topics.templates, ws.id, sent));
    expect(await other.ask({ cmd: 'template', ws: ws.id, name: 'Welcome' }, 'subject')).toBe('Hello v2');

    // A message experiment decided in one process: the other sends the winner at once.
    await saveTemplate(app, ws.id, { id: template.id, name: 'Welcome', channel: 'onsite', subject: 'Hello v2', body: '<p>Hi</p>', variants: [{ key: 'a' }, { key: 'b', subject: 'Hey' }] });
    await other.heard(topics.templates, ws.id, Date.now());
    expect(await other.ask({ cmd: 'template-winner', ws: ws.id, name: 'Welcome' }, 'variantWinner')).toBeNull();
    sent = Date.now();
    await setTemplateVariantWinner(app, ws.id, template.id, 'b');
    latencies.push(await other.heard(topics.templates, ws.id, sent));
    expect(await other.ask({ cmd: 'template-winner', ws: ws.id, name: 'Welcome' }, 'variantWinner')).toBe('b');

    console.log(`invalidation: save → other process received, ms (includes the save's own queries): ${latencies.join(', ')}`);
  });

  it('journey settings saved and split winners picked in one process reach the other at once', async () => {
    const ws = await createWorkspace(app.postgres.db, 'invalidation-journeys');
    const user = await createTestUser(app, [ws.id]);
    const caller = appRouter.createCaller({ app, user: { id: user.id, email: user.email }, sessionToken: null, secureCookies: false });
    const split = await createExperiment(app.postgres.db, ws.id, {
      key: 'journey:j1:split',
      name: 'Split',
      kind: 'journey_split',
      variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }],
      metrics: [{ kind: 'conversion', name: 'Ordered', event: 'Order Completed', windowHours: 72 }],
    });
    if (!other) {
      other = new OtherProcess(app);
      await other.next((l) => l.ready === true);
    }
    // Each now cached in the other process (for 5 s).
    expect(await other.ask({ cmd: 'journey-settings', ws: ws.id }, 'globalControlPercent')).toBe(0);
    expect(await other.ask({ cmd: 'split-winner', ws: ws.id, name: split.key }, 'splitWinner')).toBeNull();

    await caller.journeys.saveSettings({ workspaceId: ws.id, settings: { globalControlPercent: 10 } });
    await other.heard(topics.journeySettings, ws.id, Date.now());
    expect(await other.ask({ cmd: 'journey-settings', ws: ws.id }, 'globalControlPercent')).toBe(10);

    await pickWinnerAndApply(app, ws.id, split.id, 'b');
    await other.heard(topics.experimentDecisions, ws.id, Date.now());
    expect(await other.ask({ cmd: 'split-winner', ws: ws.id, name: split.key }, 'splitWinner')).toBe('b');
  });
});
