// The EASE build off the event loop: started by ease-thread.ts with the people's baskets as its
// workerData, posts the neighbours back (product ids once, then indexes and scores in typed arrays).
import { parentPort, workerData } from 'node:worker_threads';
import { easeNeighbours, type EaseOptions } from './ease';
import type { PackedNeighbours } from './ease-thread';

const { baskets, options } = workerData as { baskets: string[][]; options: EaseOptions };
const rows = easeNeighbours(baskets, options);
const ids: string[] = [];
const index = new Map<string, number>();
const at = (id: string) => index.get(id) ?? (index.set(id, ids.push(id) - 1), ids.length - 1);
const from = new Int32Array(rows.length);
const to = new Int32Array(rows.length);
const scores = new Float64Array(rows.length);
rows.forEach((r, i) => {
  from[i] = at(r.product_id);
  to[i] = at(r.neighbour_id);
  scores[i] = r.score;
});
const packed: PackedNeighbours = { ids, from, to, scores };
parentPort!.postMessage(packed, [from.buffer, to.buffer, scores.buffer]);
