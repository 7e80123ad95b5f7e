import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const apiDir = join(import.meta.dirname, '../..');

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

/**
 * Bundles a TypeScript entry point into one ES module that plain `node` runs. A test that starts
 * many short-lived processes of the same entry builds it once: each start then loads one file
 * instead of transpiling and resolving the app's hundreds of modules through tsx's loader hooks.
 * Returns the bundle's path; it sits under the API's node_modules so its npm imports resolve.
 */
export async function bundleForNode(entry: string): Promise<string> {
  const outfile = join(apiDir, 'node_modules/.cache/overture-test-bundles', `${basename(entry, '.ts')}-${randomBytes(6).toString('hex')}.mjs`);
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', plugins: [npmExternal, ownLocation], logLevel: 'error' });
  return outfile;
}
