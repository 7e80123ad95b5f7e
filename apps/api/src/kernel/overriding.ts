/**
 * `target` with some of its members answered by `overrides` instead; every other member is the
 * target's own, its methods bound to the target, so a class with private fields keeps working
 * behind the proxy.
 */
export function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in overrides) return overrides[prop as keyof T];
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(t) : value;
    },
  });
}
