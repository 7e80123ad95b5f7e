import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testServers } from '../env';

/**
 * A loader hook in a child process writes down every module it resolves from one of the
 * embedded engines' packages; CommonJS loads (chdb is CommonJS) are read from require.cache.
 * A child process is used because vitest's own process has long since loaded both engines.
 */
const enginePackage = /\/node_modules\/(chdb|@chdb\/[^/]+|@electric-sql\/pglite|kysely-pglite)\//;

function engineModulesLoadedBy(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'overture-lazy-engines-'));
  const record = join(dir, 'resolved.txt');
  writeFileSync(record, '');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (${enginePackage}.test(resolved.url)) appendFileSync(${JSON.stringify(record)}, resolved.url + '\\n');
  return resolved;
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  const body = `${script}
const { createRequire } = await import('node:module');
const cached = Object.keys(createRequire(process.cwd() + '/').cache);
console.log(JSON.stringify(cached.filter((p) => ${enginePackage}.test(p))));
`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(register).href, '--input-type=module', '-e', body], {
    cwd: join(import.meta.dirname, '../..'),
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const fromCache = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  const resolved = readFileSync(record, 'utf8').split('\n').filter(Boolean);
  return [...resolved, ...fromCache];
}

describe('embedded engines in server mode', () => {
  it('the probe sees an engine when one is imported', () => {
    const loaded = engineModulesLoadedBy(`await import('kysely-pglite');`);
    expect(loaded.some((p) => p.includes('kysely-pglite'))).toBe(true);
  });

  it('with server URLs neither chDB nor PGlite is loaded, from the stores or the app', () => {
    const { databaseUrl } = testServers();
    const loaded = engineModulesLoadedBy(`
const { createClickhouse } = await import('./src/stores/clickhouse/index.ts');
const { createPostgres, postgresHealth } = await import('./src/stores/postgres/index.ts');
await import('./src/app.ts');
const clickhouse = createClickhouse({ url: 'http://127.0.0.1:8123' });
const postgres = await createPostgres({ url: ${JSON.stringify(databaseUrl)} });
const health = await postgresHealth(postgres.db);
if (!health.ok) throw new Error('postgres: ' + health.error);
await postgres.close();
await clickhouse.close();
`);
    expect(loaded).toEqual([]);
  });
});
