/**
 * `p`'s value if it settles by `deadline` (a `performance.now()` time), else undefined.
 *
 * The deadline's timer can fire late: the event loop was held (a GC pause, or the process waiting
 * for a CPU on a busy machine) while the answer arrived on its socket. Node runs due timers before
 * it reads sockets, so a timer that gives up at once would drop an answer that came in time. It
 * gives up one turn later instead (setImmediate runs after the loop has read what is waiting).
 */
export async function settledBy<T>(p: Promise<T>, deadline: number): Promise<T | undefined> {
  p.catch(() => undefined); // a look-up that ends after the answer must not go unhandled
  const ms = deadline - performance.now();
  if (ms <= 0) return Promise.race([p, Promise.resolve(undefined)]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let turn: ReturnType<typeof setImmediate> | undefined;
  const late = new Promise<undefined>((r) => (timer = setTimeout(() => (turn = setImmediate(r, undefined)), ms)));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
    if (turn) clearImmediate(turn);
  }
}
