/** `orch status` as a table, PM2-style: one row per server, figures a human reads at a glance. */
import { colors } from 'consola/utils';
import type { ServerStateName } from '../machines/server.types.js';
import type { ServerStatus } from '../status.js';

export const STATE_SYMBOL: Record<ServerStateName, string> = {
  running: '●',
  stopped: '○',
  crashed: '✖',
  unhealthy: '▲',
  starting: '↻',
  stopping: '↻',
  backoff: '↻',
};

const STATE_COLOR: Record<ServerStateName, (text: string) => string> = {
  running: colors.green,
  stopped: colors.gray,
  crashed: colors.red,
  unhealthy: colors.yellow,
  starting: colors.cyan,
  stopping: colors.cyan,
  backoff: colors.yellow,
};

export function formatUptime(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3_600)}h`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '–';
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatPercent(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(1)}%`;
}

export function formatPing(ms: number | null): string {
  if (ms === null) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatStatusTable(servers: ServerStatus[], color = true): string {
  const header = ['name', 'state', 'pid', 'uptime', '↺', 'cpu', 'memory', 'ping'];
  const rows = servers.map((s) => [
    s.name,
    `${STATE_SYMBOL[s.state]} ${s.state}`,
    s.pid === null ? '–' : String(s.pid),
    formatUptime(s.uptimeMs),
    String(s.restarts),
    formatPercent(s.cpuPercent),
    formatBytes(s.memoryBytes),
    formatPing(s.lastPingMs),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], paint: (cell: string, i: number) => string = (cell) => cell) =>
    cells
      .map((cell, i) => paint(i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!), i))
      .join('  ')
      .trimEnd();
  const out = [line(header, (cell) => (color ? colors.dim(cell) : cell))];
  servers.forEach((server, index) => {
    out.push(line(rows[index]!, (cell, i) => (color && i === 1 ? STATE_COLOR[server.state](cell) : cell)));
    if (server.lastError && server.state !== 'running') out.push(`  ${color ? colors.dim(server.lastError) : server.lastError}`);
  });
  if (servers.length === 0) out.push('(no servers configured)');
  return `${out.join('\n')}\n`;
}

/** The `--json` shape scripts rely on: numbers or null, nothing else. */
export function statusJson(servers: ServerStatus[]) {
  return {
    servers: servers.map((s) => ({
      name: s.name,
      state: s.state,
      pid: s.pid,
      restarts: s.restarts,
      uptimeMs: s.uptimeMs,
      cpuPercent: s.cpuPercent,
      memoryBytes: s.memoryBytes,
      lastPingMs: s.lastPingMs,
      lastError: s.lastError,
    })),
  };
}
