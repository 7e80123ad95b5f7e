import { z } from 'zod';

// The dashboard's security policy forbids eval. Zod compiles object parsers with it when it can, and
// its probe for eval is itself reported as a policy violation: tell it not to try. This module is
// imported first by main.tsx, since zod decides when a schema is created, at import time.
z.config({ jitless: true });
