/**
 * Servers for scripts (`orch status --json` and the actions' `--json`). Apart from the table, so the
 * JSON path loads no terminal colours.
 */
import type { ServerStatus } from '../status.js';

/** The `--json` shape scripts rely on: the config file (absolute), then each server as {@link serverJson}. */
export function statusJson(servers: ServerStatus[], config: string) {
  return { config, servers: servers.map(serverJson) };
}

/** One server for scripts (`status`, `start`, `stop`, `restart --json`): numbers or null, and `url` and `reachable` for a remote server only. */
export function serverJson(s: ServerStatus) {
  return {
    name: s.name,
    state: s.state,
    pid: s.pid,
    restarts: s.restarts,
    uptimeMs: s.uptimeMs,
    cpuPercent: s.cpuPercent,
    memoryBytes: s.memoryBytes,
    lastPingMs: s.lastPingMs,
    lastError: s.lastError,
    ...(s.url !== undefined && { url: s.url }),
    ...(s.reachable !== undefined && { reachable: s.reachable }),
    ...(s.sessionOf !== undefined && { sessionOf: s.sessionOf }),
  };
}
