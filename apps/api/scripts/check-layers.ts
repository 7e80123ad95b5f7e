// The layer check run by `pnpm lint`: dependency-cruiser's rules (.dependency-cruiser.cjs), then
// one it cannot express: no two top-level folders of src import each other, even when no single
// file cycle joins them (a.ts → b/x.ts and b/y.ts → a/z.ts). Test code and the App type are left out.
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const isTestCode = (path: string) => path.startsWith('src/testing/') || /\.(test|fixture)\.ts$/.test(path);
/** A top-level folder, or the file itself for the files at the root of src. */
const unitOf = (path: string) => path.slice('src/'.length).split('/')[0]!;

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const result = (await cruise(['src'], { ...options, validate: true }, undefined, { tsConfig: extractTSConfig('tsconfig.json') })).output as ICruiseResult;

const problems: string[] = [];
for (const v of result.summary.violations) problems.push(`${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);

const folderEdges = new Map<string, Map<string, string>>();
for (const m of result.modules) {
  if (!m.source.startsWith('src/') || isTestCode(m.source)) continue;
  for (const d of m.dependencies) {
    if (!d.resolved.startsWith('src/') || isTestCode(d.resolved)) continue;
    if (d.resolved === 'src/app-handle.ts') continue;
    const [from, to] = [unitOf(m.source), unitOf(d.resolved)];
    if (from === to) continue;
    const out = folderEdges.get(from) ?? new Map<string, string>();
    if (!out.has(to)) out.set(to, `${m.source} → ${d.resolved}`);
    folderEdges.set(from, out);
  }
}
for (const [a, out] of folderEdges) {
  for (const [b, example] of out) {
    const back = folderEdges.get(b)?.get(a);
    if (back && a < b) problems.push(`two-way folders: ${a} ⇄ ${b} (${example}; ${back})`);
  }
}

if (problems.length > 0) {
  console.error(`Layer rules broken (docs/architecture.md, "Dependency direction"):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`layers ok: ${result.summary.totalCruised} modules, ${result.summary.totalDependenciesCruised} dependencies`);
