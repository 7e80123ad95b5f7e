// CPU time a process has used, read from /proc (Linux): its main thread and all its threads.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const ticksPerS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime in µs from a /proc stat line (the command name may hold spaces: fields follow its ')'). */
function cpuMicros(statPath: string): number {
  const text = readFileSync(statPath, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5), counted from the state field (3).
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / ticksPerS;
}

export interface CpuSample {
  mainUs: number;
  allUs: number;
}

export function cpuOf(pid: number): CpuSample {
  return { mainUs: cpuMicros(`/proc/${pid}/task/${pid}/stat`), allUs: cpuMicros(`/proc/${pid}/stat`) };
}

export function cpuSince(pid: number, before: CpuSample): CpuSample {
  const now = cpuOf(pid);
  return { mainUs: now.mainUs - before.mainUs, allUs: now.allUs - before.allUs };
}
