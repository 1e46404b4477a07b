/** Waits, after a command, until the servers it touched come to rest, by polling the API. */
import type { ServerStatus } from '../status.js';
import type { DaemonClient } from './client.js';

const POLL_MS = 100;

export async function listServers(client: DaemonClient): Promise<ServerStatus[]> {
  return (await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers')).servers;
}

/** Resolves with every server's status once each named one satisfies `done`, or when time runs out. */
export async function waitUntil(
  client: DaemonClient,
  names: string[],
  done: (status: ServerStatus) => boolean,
  timeoutMs: number,
): Promise<ServerStatus[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const servers = await listServers(client);
    const targets = servers.filter((s) => names.includes(s.name));
    if (targets.every(done) || Date.now() >= deadline) return servers;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
