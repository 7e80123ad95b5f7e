// The layer rules of apps/api (docs/architecture.md, "Dependency direction"): kernel and stores
// at the bottom, domains over them, the edges (http, trpc, worker, cli) on top, wired by the
// composition root (app.ts, main.ts, erasers.ts, index.ts; app-handle.ts holds the App type). Test code lives in src/testing and in
// *.test.ts / *.fixture.ts files, which production never imports. scripts/check-layers.ts adds
// the folder-level check (no two domain folders import each other, even without a file cycle).

const edges = '^src/(http|trpc|worker|cli)/';
const domains = '^src/(auth|catalog|channels|demo|events|experiments|ingest|journeys|onsite|profiles|sdk|segments|service-messages|templates|workspaces)/';
const testCode = '(^src/testing/|[.](test|fixture)[.]ts$)';
// The App handle (app-handle.ts, types only) is passed to every service; app.ts, the composition root, builds it.
const appHandle = '^src/app-handle[.]ts$';
const kernelFiles = '^src/(kernel/|logger[.]ts$|secret-file[.]ts$)';
// The validated configuration reads a few store facts (socket paths, address ranges): it sits beside stores.
const config = '^src/env[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles between modules, type-only imports included (domains take the App type from app-handle.ts, which imports no domain code, so app.ts may build from any of them).',
      severity: 'error',
      from: { path: '^src/', pathNot: testCode },
      to: { circular: true },
    },
    {
      name: 'app-built-by-root-only',
      comment: 'app.ts builds the app from the domains; only main.ts, index.ts, the CLI and test code import it. Everything else takes the App type from app-handle.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: `${testCode}|^src/(main|index)[.]ts$|^src/cli/` },
      to: { path: '^src/app[.]ts$' },
    },
    {
      name: 'kernel-imports-only-kernel',
      comment: 'kernel/ (and logger, secret-file) is the lowest layer: it imports nothing of ours but itself.',
      severity: 'error',
      from: { path: kernelFiles, pathNot: testCode },
      to: { path: '^src/', pathNot: `${kernelFiles}|${appHandle}` },
    },
    {
      name: 'stores-import-no-domain',
      comment: 'stores/ holds connections, migrations and generic query helpers; a domain plugs into it, never the reverse.',
      severity: 'error',
      from: { path: '^src/stores/', pathNot: testCode },
      to: { path: '^src/', pathNot: `^src/stores/|${kernelFiles}|${config}` },
    },
    {
      name: 'domains-import-no-edge',
      comment: 'A domain is called by the edges (http, trpc, worker, cli), it never calls them.',
      severity: 'error',
      from: { path: domains, pathNot: testCode },
      to: { path: edges },
    },
    {
      name: 'domains-import-no-root',
      comment: 'Domains take what they need as arguments; only the App type comes from the root.',
      severity: 'error',
      from: { path: `${domains}|^src/stores/|${kernelFiles}`, pathNot: testCode },
      to: { path: '^src/(main|index|erasers|app)[.]ts$' },
    },
    {
      name: 'production-imports-no-test-code',
      comment: 'Test harnesses, fakes and seeding helpers live in src/testing; production code never imports them or a test file.',
      severity: 'error',
      from: { path: '^src/', pathNot: testCode },
      to: { path: testCode },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
