import { defineProject } from 'vitest/config';
import { apiTestDefaults, ownProcessFiles } from './vitest.shared.ts';

// Most test files share their worker process with the files before them: the app's modules and the
// chDB engine load once per worker instead of once per file, which is most of a small file's time.
// Every test isolates itself by workspace id, queue prefix or schema, so sharing a process is safe;
// the few files that need an engine of their own run in `api-own-process`.
export default defineProject({
  test: {
    ...apiTestDefaults,
    name: 'api',
    isolate: false,
    exclude: ['**/node_modules/**', '**/dist/**', ...ownProcessFiles],
  },
});
