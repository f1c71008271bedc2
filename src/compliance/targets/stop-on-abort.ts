/**
 * A target that stops answering once a scan is aborted: every read, listing and command checks the
 * signal first and throws its reason. A time limit around the scan alone would leave a check that
 * never finishes (an `Include` bomb, a huge folder walk) running after the scan has failed; through
 * this, the next file it reads ends it.
 */
import type { Target } from './target.js';

export function abortableTarget(target: Target, signal: AbortSignal): Target {
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property);
      if (typeof value !== 'function' || property === 'close') return value;
      return (...args: unknown[]): unknown => {
        signal.throwIfAborted();
        return (value as (...parameters: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}
