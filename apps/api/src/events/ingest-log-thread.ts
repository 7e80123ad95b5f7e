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

interface Running {
  thread: Worker;
  /** Appends this thread holds: its death fails these, not those of a thread started after it. */
  waiting: Map<number, { resolve: () => void; reject: (err: Error) => void }>;
}

/**
 * Writes and flushes the ingest log on a thread of its own. Node's asynchronous file calls share a
 * pool of four threads with the embedded ClickHouse, whose queries hold them for up to seconds, so an
 * append waited behind them; blocking calls on the main thread would hold every request instead.
 * Creating, truncating and deleting segments, which are rare, still go through that pool.
 */
export class LogThread {
  #worker: Running | null = null;
  #next = 0;
  #closed = false;

  /** Writes `record` at `position` of the open file `fd` and flushes it to disk; `record` is left as it was. */
  append(fd: number, record: Buffer, position: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("the ingest log's thread is closed"));
    const worker = this.#started();
    const id = this.#next++;
    // A copy is handed over (transferred, not copied again): the caller's buffer stays readable.
    const copy = new Uint8Array(record.byteLength);
    copy.set(record);
    return new Promise<void>((resolve, reject) => {
      worker.waiting.set(id, { resolve, reject });
      worker.thread.postMessage({ id, fd, buffer: copy.buffer, position }, [copy.buffer]);
    });
  }

  /** Stops the thread once its current call returns; appends after this are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    await worker?.thread.terminate();
  }

  #started(): Running {
    if (this.#worker) return this.#worker;
    const thread = new Worker(program, { eval: true });
    // The log closes it; a process that never does is not held open by it.
    thread.unref();
    const worker: Running = { thread, waiting: new Map() };
    thread.on('message', ({ id, error, code }: Reply) => {
      const waiter = worker.waiting.get(id);
      worker.waiting.delete(id);
      if (!waiter) return;
      if (error === undefined) waiter.resolve();
      else waiter.reject(Object.assign(new Error(error), { code }));
    });
    // A thread that died fails what it held (and only that); the next append starts another.
    const fail = (err: Error) => {
      if (this.#worker === worker) this.#worker = null;
      for (const waiter of worker.waiting.values()) waiter.reject(err);
      worker.waiting.clear();
    };
    thread.on('error', fail);
    thread.on('exit', (code) => fail(new Error(`the ingest log's thread stopped (exit code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
