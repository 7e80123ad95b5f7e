import { defineProject } from 'vitest/config';
import { apiTestDefaults, ownProcessFiles } from './vitest.shared.ts';

// Files that need a process of their own: they open a chDB engine on their own data directory
// (one engine per process) or migrate an empty one step by step.
export default defineProject({
  test: {
    ...apiTestDefaults,
    name: 'api-own-process',
    include: ownProcessFiles,
  },
});
