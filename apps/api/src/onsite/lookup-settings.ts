import type { ClickHouseSettings } from '@clickhouse/client';

/**
 * Decide's look-ups run beside the page requests they serve, and the embedded engine's threads share
 * the process's cores with them: one thread per look-up, at the lowest OS priority, so a query
 * yields the CPU to answering pages (a point look-up gains nothing from parallel reads). In the
 * decide bench this took p99 from 578-629 ms to 20-79 ms in runs interleaved with the default.
 */
export const lookupSettings: ClickHouseSettings = { max_threads: 1, os_thread_priority: '19' };
