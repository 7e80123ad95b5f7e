import type { RetailLoadOptions } from '../demo/load-retail';

type LoadProgress = Parameters<NonNullable<RetailLoadOptions['onProgress']>>[0];

export interface ProgressOptions {
  /** A terminal: one bar redrawn in place. Otherwise (piped, a log file): plain lines. */
  tty: boolean;
  write: (text: string) => void;
  clock?: () => number;
  /** Plain mode: a line at least this often (ms) … */
  everyMs?: number;
  /** … and whenever this many more percent are done. */
  everyPercent?: number;
}

const width = 30;

/**
 * Progress of an import on stderr (stdout stays clean for the summary): a bar redrawn at most every
 * 100 ms on a terminal; when piped, a plain line per `everyPercent` done or `everyMs` passed, so a log
 * shows the import moving. The recompute phase reports its start, a line per `everyMs`, and its end.
 */
export function importProgress(options: ProgressOptions) {
  const clock = options.clock ?? Date.now;
  const everyMs = options.everyMs ?? 10_000;
  const everyPercent = options.everyPercent ?? 10;
  let drawnAt = 0;
  let lastPercent = -Infinity;
  let lastPhase = '';

  const load = (p: LoadProgress) => {
    const now = clock();
    // Reading is done when the parser has seen the last line, not when the last byte was read.
    const done = p.phase === 'read' ? (p.readDone ? 1 : Math.min(0.99, p.bytes / Math.max(1, p.totalBytes))) : Math.min(1, p.written / Math.max(1, p.toWrite));
    const percent = Math.floor(done * 100);
    const what = p.phase === 'read' ? `reading  ${p.lines.toLocaleString('en')} lines` : `writing  ${p.written.toLocaleString('en')}/${p.toWrite.toLocaleString('en')} events`;
    if (options.tty) {
      if (now - drawnAt < 100 && done < 1) return;
      drawnAt = now;
      const filled = Math.round(done * width);
      options.write(`\r  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%  ${what}   `);
      return;
    }
    const newPhase = p.phase !== lastPhase;
    if (newPhase) lastPercent = -Infinity;
    if (!newPhase && percent < lastPercent + everyPercent && now - drawnAt < everyMs && !(done === 1 && lastPercent < 100)) return;
    lastPhase = p.phase;
    drawnAt = now;
    lastPercent = percent;
    options.write(`import: ${what} (${percent}%)\n`);
  };

  /** Runs the recompute, saying that it started, that it is still going (every `everyMs`) and that it ended. */
  const recompute = async <T>(work: () => Promise<T>, tick: (fn: () => void, ms: number) => { stop(): void } = interval): Promise<T> => {
    if (options.tty) options.write('\n');
    const started = clock();
    options.write('import: recomputing profiles, RFM and segments\n');
    const ticker = tick(() => options.write(`import: still recomputing (${Math.round((clock() - started) / 1000)} s)\n`), everyMs);
    try {
      return await work();
    } finally {
      ticker.stop();
      options.write(`import: recomputed in ${((clock() - started) / 1000).toFixed(1)} s\n`);
    }
  };
  return { load, recompute };
}

function interval(fn: () => void, ms: number) {
  const t = setInterval(fn, ms);
  t.unref();
  return { stop: () => clearInterval(t) };
}
