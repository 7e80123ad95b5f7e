import { describe, expect, it } from 'vitest';
import { CoalescingRunner } from './coalescing-runner';

/** A work function whose runs wait until released, recording the ids of each run. */
function gatedWork(failOn?: string) {
  const runs: string[][] = [];
  const gates: Array<() => void> = [];
  const work = (ids: string[]) => {
    runs.push([...ids].sort());
    return new Promise<void>((resolve, reject) => gates.push(() => (failOn && ids.includes(failOn) ? reject(new Error(`bad ${failOn}`)) : resolve())));
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
  };
  return { runs, work, releaseNext };
}

describe('CoalescingRunner', () => {
  it('runs callers that ask while a run is going as one later run over their ids, each once', async () => {
    const runner = new CoalescingRunner();
    const { runs, work, releaseNext } = gatedWork();
    const first = runner.run('ws1', ['a', 'b'], work);
    const second = runner.run('ws1', ['b', 'c'], work);
    const third = runner.run('ws1', ['d'], work);
    await releaseNext();
    await first;
    await releaseNext();
    await Promise.all([second, third]);
    expect(runs).toEqual([['a', 'b'], ['b', 'c', 'd']]);
  });

  it('runs other keys alongside', async () => {
    const runner = new CoalescingRunner();
    const { runs, work, releaseNext } = gatedWork();
    const one = runner.run('ws1', ['a'], work);
    const two = runner.run('ws2', ['b'], work);
    expect(runs).toEqual([['a'], ['b']]);
    await releaseNext();
    await releaseNext();
    await Promise.all([one, two]);
  });

  it('runs a failed shared run again per caller, so only the caller of the failing ids fails', async () => {
    const runner = new CoalescingRunner();
    const { runs, work, releaseNext } = gatedWork('bad');
    const first = runner.run('ws1', ['a'], work);
    const good = runner.run('ws1', ['b'], work);
    const poisoned = runner.run('ws1', ['bad', 'c'], work);
    await releaseNext();
    await first;
    await releaseNext(); // the shared run of b, bad, c fails
    await releaseNext(); // b alone
    await releaseNext(); // bad and c alone
    await good;
    await expect(poisoned).rejects.toThrow('bad bad');
    expect(runs).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad', 'c']]);
    // The key is free again: a new caller runs at once.
    const later = runner.run('ws1', ['e'], work);
    await releaseNext();
    await later;
    expect(runs.at(-1)).toEqual(['e']);
  });
});
