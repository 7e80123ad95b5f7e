import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from './env';

function dirs() {
  const root = mkdtempSync(join(tmpdir(), 'overture-secret-'));
  return { dataDir: join(root, 'work', '.data'), configHome: join(root, 'config'), root };
}

const inside = (dir: string, file: string) => !relative(dir, file).startsWith('..');

describe('the generated app secret', () => {
  it('is created outside the data dir and the working directory, readable by its owner only, and kept across starts', () => {
    const { dataDir, configHome } = dirs();
    const env = { OVERTURE_DATA_DIR: dataDir, XDG_CONFIG_HOME: configHome };
    const first = loadConfig(env).secret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
    const files = filesUnder(configHome);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    expect(inside(process.cwd(), file)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig(env).secret).toBe(first);
    // Another data dir on the same machine gets its own secret.
    expect(loadConfig({ ...env, OVERTURE_DATA_DIR: `${dataDir}-2` }).secret).not.toBe(first);
  });

  it('moves the secret of an existing install out of its data dir, keeping its value', () => {
    const { dataDir, configHome } = dirs();
    mkdirSync(dataDir, { recursive: true });
    const old = 'a'.repeat(64);
    writeFileSync(join(dataDir, 'secret'), `${old}\n`, { mode: 0o600 });
    const env = { OVERTURE_DATA_DIR: dataDir, XDG_CONFIG_HOME: configHome };
    expect(loadConfig(env).secret).toBe(old);
    expect(existsSync(join(dataDir, 'secret'))).toBe(false);
    expect(loadConfig(env).secret).toBe(old);
  });

  it('lives where OVERTURE_SECRET_FILE says, and a file that cannot be written is a configuration error naming it', () => {
    const { dataDir, root } = dirs();
    const file = join(root, 'elsewhere', 'app-secret');
    const secret = loadConfig({ OVERTURE_DATA_DIR: dataDir, OVERTURE_SECRET_FILE: file }).secret;
    expect(readFileSync(file, 'utf8')).toBe(secret);
    writeFileSync(join(root, 'a-file'), '');
    expect(() => loadConfig({ OVERTURE_DATA_DIR: dataDir, OVERTURE_SECRET_FILE: join(root, 'a-file', 'secret') })).toThrow(/OVERTURE_SECRET_FILE/);
  });
});

/** Every file under `dir`. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}
