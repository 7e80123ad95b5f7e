interface Caller {
  ids: readonly string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface KeyState {
  waiting: Caller[];
}

/**
 * Runs work over sets of ids, one run per key at a time. Ids asked for while a run of their key is
 * going wait for the next run and share it: callers close together cost one run over the union of
 * their ids, each id once, instead of one run each. A caller is settled only by a run that started
 * after it asked, so whatever it saw before asking is in that run. A shared run that fails is done
 * again per caller, so ids that keep failing fail their own caller alone. Every call of one key
 * must pass the same work: a shared run uses the first waiting caller's.
 */
export class CoalescingRunner {
  #keys = new Map<string, KeyState>();

  run(key: string, ids: readonly string[], work: (ids: string[]) => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const running = this.#keys.get(key);
      if (running) {
        running.waiting.push({ ids, resolve, reject });
        return;
      }
      const state: KeyState = { waiting: [{ ids, resolve, reject }] };
      this.#keys.set(key, state);
      void this.#drain(key, state, work);
    });
  }

  async #drain(key: string, state: KeyState, work: (ids: string[]) => Promise<void>): Promise<void> {
    while (state.waiting.length > 0) {
      const callers = state.waiting;
      state.waiting = [];
      try {
        await work([...new Set(callers.flatMap((c) => c.ids))]);
        for (const c of callers) c.resolve();
      } catch (err) {
        if (callers.length === 1) {
          callers[0]!.reject(err);
          continue;
        }
        for (const c of callers) {
          await work([...new Set(c.ids)]).then(c.resolve, c.reject);
        }
      }
    }
    this.#keys.delete(key);
  }
}
