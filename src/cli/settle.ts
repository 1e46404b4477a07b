/** Waits, after a command, until the servers it touched come to rest, following the daemon's transitions. */
import type { ServerStatus } from '../status.js';
import type { DaemonClient } from './client.js';
import { startingProgress } from './progress.js';

/** A transition missed (the stream not yet open) delays the answer by at most this much. */
const LOOK_AGAIN_MS = 500;

export async function listServers(client: DaemonClient): Promise<ServerStatus[]> {
  return (await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers')).servers;
}

/**
 * Resolves with every server's status once each target satisfies `done`, or when time runs out.
 * Targets are the named servers, or those `isTarget` picks afresh at each look. It looks again when
 * the daemon streams a transition (and now and then regardless), so it answers as soon as the
 * servers settle. Targets that take a while to start are named on stderr as it waits.
 */
export async function waitUntil(
  client: DaemonClient,
  targets: string[] | ((status: ServerStatus) => boolean),
  done: (status: ServerStatus) => boolean,
  timeoutMs: number,
): Promise<ServerStatus[]> {
  const isTarget = Array.isArray(targets) ? (s: ServerStatus) => targets.includes(s.name) : targets;
  const deadline = Date.now() + timeoutMs;
  const progress = startingProgress();
  let changed = false;
  let wake = () => {};
  const stop = client.watch('/api/events', () => {
    changed = true;
    wake();
  });
  try {
    for (;;) {
      changed = false;
      const servers = await listServers(client);
      progress(servers.filter(isTarget));
      if (servers.filter(isTarget).every(done) || Date.now() >= deadline) return servers;
      if (!changed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, LOOK_AGAIN_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  } finally {
    stop();
  }
}
