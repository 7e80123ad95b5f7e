import { defineProject } from 'vitest/config';
import { apiTestDefaults, ownProcessFiles } from './vitest.shared.ts';

// Files that need a process of their own: they open a chDB engine on their own data directory
// (one engine per process), migrate an empty one step by step, or kill worker processes at random
// (whatever such a file leaves behind must not slow the file after it).
export default defineProject({
  test: {
    ...apiTestDefaults,
    name: 'api-own-process',
    include: ownProcessFiles,
  },
});
