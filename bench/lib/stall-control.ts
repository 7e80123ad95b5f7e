// Preloaded into a measured process (`--import`, after tsx): counts where its event loop lost time
// (see loop-stalls.ts) and serves the counts on a port of its own, whose URL it writes to the file
// BENCH_STALLS_FILE names.
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { stallsControlServer } from './loop-stalls';

const file = process.env.BENCH_STALLS_FILE;
// Preloads run in worker threads too: only the main thread's event loop is measured.
if (file && isMainThread) {
  const control = stallsControlServer();
  control.listen(0, '127.0.0.1', () => writeFileSync(file, `http://127.0.0.1:${(control.address() as AddressInfo).port}/stalls`));
  control.unref();
}
