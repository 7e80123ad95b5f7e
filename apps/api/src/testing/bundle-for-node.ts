import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const cacheDir = join(import.meta.dirname, '../../node_modules/.cache/overture-test-bundles');

/** npm packages stay imports (resolved from the API's node_modules); the workspace's own packages are bundled. */
const npmExternal: Plugin = {
  name: 'npm-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@overture/') ? undefined : { path: args.path, external: true }));
  },
};

/** Each file keeps its own location, so code that reads files beside it (migrations) finds them. */
const ownLocation: Plugin = {
  name: 'own-location',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents, loader: 'ts' };
    });
  },
};

const built = new Map<string, Promise<string>>();

/**
 * Bundles a TypeScript entry point into one ES module that plain `node` runs. Tests that start many
 * short-lived processes of the same entry (CLI commands, crash-test workers) start each from it: one
 * file to load instead of the app's hundreds of modules transpiled and resolved through tsx's loader
 * hooks. Built once per test process; the file is named by its content, under the API's node_modules
 * so its npm imports resolve, and a bundle of older sources is removed when a new one is written.
 */
export function bundleForNode(entry: string): Promise<string> {
  let bundle = built.get(entry);
  if (!bundle) {
    bundle = buildBundle(entry);
    built.set(entry, bundle);
    bundle.catch(() => built.delete(entry));
  }
  return bundle;
}

async function buildBundle(entry: string): Promise<string> {
  const out = await build({ entryPoints: [entry], bundle: true, write: false, platform: 'node', format: 'esm', target: 'node20', plugins: [npmExternal, ownLocation], logLevel: 'error' });
  const code = out.outputFiles[0]!.contents;
  const name = basename(entry, '.ts');
  const file = join(cacheDir, `${name}-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
  mkdirSync(cacheDir, { recursive: true });
  // Written whole under a temporary name first: another test process may be starting this same file.
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  for (const old of readdirSync(cacheDir)) {
    if (old.startsWith(`${name}-`) && old.endsWith('.mjs') && join(cacheDir, old) !== file) rmSync(join(cacheDir, old), { force: true });
  }
  return file;
}
