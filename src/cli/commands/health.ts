/**
 * `orch health [--json]`: the daemon's own figures from `GET /api/health`, to tell a slow or swollen
 * daemon from a slow server. `--json` prints the API's answer as is.
 */
import { displayPath } from '../../display-path.js';
import { formatBytes, formatLatency, formatPercent, formatUptime } from '../../format.js';
import { resolveHome } from '../../home.js';
import type { DaemonHealth } from '../../http/deps.js';
import { connectDaemon } from '../client.js';

export async function healthCommand(flags: { json?: boolean }): Promise<void> {
  const client = connectDaemon(resolveHome());
  const health = await client.request<DaemonHealth>('GET', '/api/health');
  process.stdout.write(flags.json ? `${JSON.stringify(health)}\n` : formatHealth(health, client.baseUrl));
}

/** A few labelled lines; storage problems one a line, since each names a file to look at. */
export function formatHealth(health: DaemonHealth, url: string): string {
  const delay = health.eventLoopDelay;
  const problems = health.storage ?? [];
  const lines = [
    `daemon      pid ${health.pid}, orch ${health.version}, up ${formatUptime(health.uptimeMs)}, ${url}`,
    `config      ${displayPath(health.config)}`,
    `memory      ${formatBytes(health.rssBytes)} RSS`,
    `cpu         ${formatPercent(health.cpuPercent)}`,
    `event loop  delay p50 ${formatLatency(delay.p50Ms)}, p99 ${formatLatency(delay.p99Ms)}, max ${formatLatency(delay.maxMs)}`,
    problems.length === 0 ? 'storage     every file writable' : `storage     ${problems.length} file${problems.length > 1 ? 's' : ''} not writable:`,
    ...problems.map((p) => `  ${p.path}: ${p.error} (since ${new Date(p.since).toLocaleTimeString()})`),
  ];
  return `${lines.join('\n')}\n`;
}
