import { createOverture, type Overture } from './client';

// The script build: replaces the snippet's queue with the real client and replays the calls made
// before it arrived, in order.
const w = window as unknown as { overture?: unknown };
const queued = w.overture as (unknown[][] & { initialized?: boolean }) | undefined;
if (!queued?.initialized) {
  const sdk: Overture = createOverture();
  w.overture = sdk;
  if (Array.isArray(queued)) for (const [m, ...args] of queued) (sdk[m as 'track'] as ((...a: unknown[]) => void) | undefined)?.(...args);
}
