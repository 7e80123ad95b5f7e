import { Worker } from 'node:worker_threads';

// The thread's whole program, plain JavaScript with Node's own modules only, so it runs the same from
// the sources, from a bundle and from tests.
const program = `
const { parentPort } = require('node:worker_threads');
const { writeSync, fdatasyncSync } = require('node:fs');
parentPort.on('message', ({ id, fd, buffer, position }) => {
  try {
    const bytes = new Uint8Array(buffer);
    for (let done = 0; done < bytes.length; ) {
      const n = writeSync(fd, bytes, done, bytes.length - done, position + done);
      if (n <= 0) throw new Error('the disk took no bytes');
      done += n;
    }
    fdatasyncSync(fd);
    parentPort.postMessage({ id });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message), code: err && err.code });
  }
});`;

interface Reply {
  id: number;
  error?: string;
  code?: string;
}

/**
 * Writes and flushes the ingest log on a thread of its own. Node's asynchronous file calls share a
 * pool of four threads with the embedded ClickHouse, whose queries hold them for up to seconds, so an
 * append waited behind them; blocking calls on the main thread would hold every request instead.
 */
export class LogThread {
  #worker: Worker | null = null;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #next = 0;

  /** Writes `record` at `position` of the open file `fd` and flushes it to disk. */
  append(fd: number, record: Buffer, position: number): Promise<void> {
    const worker = this.#started();
    const id = this.#next++;
    // A buffer of its own to hand over without a copy on this thread's side.
    const owned = record.byteOffset === 0 && record.byteLength === record.buffer.byteLength ? record.buffer : Uint8Array.prototype.slice.call(record).buffer;
    return new Promise<void>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.postMessage({ id, fd, buffer: owned, position }, [owned as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = null;
    await worker?.terminate();
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(program, { eval: true });
    // The log closes it; a process that never does is not held open by it.
    worker.unref();
    worker.on('message', ({ id, error, code }: Reply) => {
      const waiter = this.#waiting.get(id);
      this.#waiting.delete(id);
      if (!waiter) return;
      if (error === undefined) waiter.resolve();
      else waiter.reject(Object.assign(new Error(error), { code }));
    });
    // A thread that died fails what it held; the next append starts another.
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = null;
      for (const waiter of this.#waiting.values()) waiter.reject(err);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the ingest log's thread stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
