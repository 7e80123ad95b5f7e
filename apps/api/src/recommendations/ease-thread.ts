import { Worker } from 'node:worker_threads';
import type { EaseOptions, ItemNeighbour } from './ease';

/** EASE neighbours as the worker sends them: product ids once, rows as indexes into them. */
export interface PackedNeighbours {
  ids: string[];
  from: Int32Array;
  to: Int32Array;
  scores: Float64Array;
}

/**
 * Starts the worker. From TypeScript source (tsx, vitest) it must load tsx itself: Node 20 does not
 * hand the parent's `--import` loader on to worker threads, so a small bootstrap imports the entry
 * through tsx's API.
 */
function startWorker(workerData: unknown): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(`./ease-worker.${source ? 'ts' : 'js'}`, import.meta.url);
  if (!source) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * `easeNeighbours` in a worker thread: the dense inverse takes seconds, and the process building a
 * model also serves requests, which would wait on it the whole time.
 */
export function easeNeighboursInWorker(baskets: string[][], options: EaseOptions): Promise<ItemNeighbour[]> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ baskets, options });
    let done = false;
    worker.once('message', (p: PackedNeighbours) => {
      done = true;
      resolve(Array.from(p.scores, (score, i) => ({ product_id: p.ids[p.from[i]!]!, neighbour_id: p.ids[p.to[i]!]!, score })));
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`EASE worker exited with code ${code} before answering`));
    });
  });
}
