/**
 * Tells when the servers a daemon started have come to rest (each `running` or `crashed`), from the
 * transitions themselves rather than by polling, with a time limit for those that never do (a server
 * waiting on a dependency that crashed stays `stopped`). `orch monitor` prints its hint then, so that
 * the start-up transitions do not scroll it away.
 */
import type { Transition } from '../transitions.js';

const AT_REST: ReadonlySet<string> = new Set(['running', 'crashed']);

export function createSettleWatch() {
  const states = new Map<string, string>();
  let check = () => {};
  return {
    /** Feed every transition here. */
    seen(transition: Transition): void {
      states.set(transition.server, transition.to);
      check();
    },
    /** Resolves once every named server is at rest, or after `timeoutMs`, whichever comes first. */
    until(names: readonly string[], timeoutMs: number): Promise<void> {
      return new Promise((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          check = () => {};
          resolve();
        }
        check = () => {
          if (names.every((name) => AT_REST.has(states.get(name) ?? ''))) done();
        };
        check();
      });
    },
  };
}
