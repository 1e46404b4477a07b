/**
 * While servers are starting, one line on stderr every 2 s naming them and for how long: a cold
 * `npx -y` start takes seconds, and silence looks like a hang. stderr, so stdout (a table, `--json`)
 * stays clean for scripts.
 */
import type { ServerStatus } from '../status.js';

const EVERY_MS = 2_000;

export function startingProgress(write: (line: string) => void = (line) => process.stderr.write(line), now: () => number = Date.now) {
  const since = new Map<string, number>();
  let last = now();
  /** Call with the servers waited for, at each poll. */
  return (servers: readonly ServerStatus[]): void => {
    const time = now();
    for (const s of servers) {
      if (s.state !== 'starting') since.delete(s.name);
      else if (!since.has(s.name)) since.set(s.name, time);
    }
    if (since.size === 0 || time - last < EVERY_MS) return;
    last = time;
    const which = [...since].map(([name, from]) => `${name} (${Math.round((time - from) / 1000)} s)`);
    write(`orch: still starting ${which.join(', ')}\n`);
  };
}
