/** Waits, after a command, until the servers it touched come to rest, by polling the API. */
import type { ServerStatus } from '../status.js';
import type { DaemonClient } from './client.js';
import { startingProgress } from './progress.js';

const POLL_MS = 100;

export async function listServers(client: DaemonClient): Promise<ServerStatus[]> {
  return (await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers')).servers;
}

/**
 * Resolves with every server's status once each target satisfies `done`, or when time runs out.
 * Targets are the named servers, or those `isTarget` picks afresh at each poll. Targets that take
 * a while to start are named on stderr as it waits.
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
  for (;;) {
    const servers = await listServers(client);
    progress(servers.filter(isTarget));
    if (servers.filter(isTarget).every(done) || Date.now() >= deadline) return servers;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
