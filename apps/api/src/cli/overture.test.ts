import { beforeAll, describe, expect, it } from 'vitest';
import { migratedDataDir, runCli, type CliOptions } from '../testing/cli';

const cli = (args: string[], opts: CliOptions) => runCli(args, { ...opts, timeoutMs: 120_000 });

describe('pnpm overture', () => {
  let dataDir = '';
  beforeAll(async () => {
    dataDir = await migratedDataDir('overture-cli-');
  });

  it('creates a workspace and prints its keys as JSON', async () => {
    const r = await cli(['workspace', 'create', '--name', 'Acme', '--json'], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    const ws = JSON.parse(r.stdout) as Record<string, string>;
    expect(Object.keys(ws).sort()).toEqual(['id', 'secretKey', 'writeKey']);
    expect(ws.writeKey).toMatch(/^wk_/);
    expect(ws.secretKey).toMatch(/^sk_/);
  });

  it('creates a user with the password from stdin, and refuses a second one with the same email', async () => {
    const ok = await cli(['user', 'create', '--email', 'Ada@Example.com'], { dataDir, input: 'a long password\n' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/ada@example.com created/);
    const again = await cli(['user', 'create', '--email', 'ada@example.com'], { dataDir, input: 'a long password\n' });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('explains usage errors and exits non-zero', async () => {
    const missing = await cli(['workspace', 'create'], { dataDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--name is required/);
    const unknown = await cli(['frobnicate'], { dataDir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    const short = await cli(['user', 'create', '--email', 'b@example.com'], { dataDir, input: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 8 characters/);
    const badEmail = await cli(['user', 'create', '--email', 'not-an-email'], { dataDir, input: 'a long password\n' });
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toMatch(/email/i);
  });

  it('migrates through the launcher `pnpm overture` runs, and says so when there is nothing left to do', async () => {
    const r = await cli(['migrate'], { dataDir, launcher: 'script' });
    expect(r.code, r.stderr).toBe(0);
    const again = await cli(['migrate'], { dataDir });
    expect(again.stdout).toMatch(/Nothing to migrate/);
  });
});
