// One 'abort' listener per signal, however many subscribers: a server sharing one signal between thousands of
// sessions would otherwise pass EventTarget's listener limit and print MaxListenersExceededWarning.
const subscribers = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts (at once if it already has); returns the unsubscribe.
 * Any number of subscribers share one listener on the signal.
 *
 * @example
 * const off = onAbort(signal, () => socket.destroy());
 * // ... later, when done without an abort:
 * off();
 */
export function onAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    queueMicrotask(callback);
    return () => {};
  }
  let set = subscribers.get(signal);
  if (!set) {
    const fresh = new Set<() => void>();
    subscribers.set(signal, fresh);
    signal.addEventListener(
      'abort',
      () => {
        subscribers.delete(signal);
        for (const subscriber of fresh) subscriber();
      },
      { once: true },
    );
    set = fresh;
  }
  const once = () => callback();
  set.add(once);
  return () => {
    set.delete(once);
  };
}
