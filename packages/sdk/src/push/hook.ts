// The only push code in the core bundle: `overture.push.*` loads the push module from the API
// (`<host>/sdk/push.js`) on first use, so sites that never ask for push pay a few bytes, not kilobytes.
import type { PushApi, PushContext } from './types';

export type { PushApi, PushOptions, PushState, SoftAskOptions } from './types';

/** `ready` settles once the client's identity is loaded; the module gets the state only then. */
export function pushApi(ctx: () => PushContext, ready: () => unknown): PushApi {
  let mod: Promise<Record<string, (c: PushContext, ...a: unknown[]) => unknown>> | undefined;
  // Every method forwards to the module's function of the same name, with the client's state.
  return new Proxy({} as PushApi, {
    get:
      (_, name: string) =>
      (...args: unknown[]) =>
        (mod ??= import(/* webpackIgnore: true */ /* @vite-ignore */ ctx().h + '/sdk/push.js')).then(async (m) => (await ready(), m[name]!(ctx(), ...args))),
  });
}
