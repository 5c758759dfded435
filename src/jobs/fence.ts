/**
 * A fenced view of a store for one job run: every call first runs `fence`, which throws once the run must record
 * nothing more (its job was handed back to the queue, so another worker may take it over). A write already on its way
 * when the fence closes still lands; the queue waits for the run to settle before it lets the job go.
 */
export function fenceStore<T extends object>(store: T, fence: (() => void) | undefined): T {
  if (!fence) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        fence();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
