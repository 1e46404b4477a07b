/** `orch status` as a table, PM2-style: one row per server, figures a human reads at a glance. */
import { colors } from 'consola/utils';
import { formatBytes, formatLatency, formatPercent, formatUptime, orDash } from '../format.js';
import type { DisplayState, ServerStatus } from '../status.js';

export const STATE_SYMBOL: Record<DisplayState, string> = {
  running: '●',
  stopped: '○',
  crashed: '✖',
  unhealthy: '▲',
  starting: '↻',
  stopping: '↻',
  backoff: '↻',
  disabled: '◌',
  remote: '⇄',
};

const STATE_COLOR: Record<DisplayState, (text: string) => string> = {
  running: colors.green,
  stopped: colors.gray,
  crashed: colors.red,
  unhealthy: colors.yellow,
  starting: colors.cyan,
  stopping: colors.cyan,
  backoff: colors.yellow,
  disabled: colors.gray,
  remote: colors.gray,
};

export function formatStatusTable(servers: ServerStatus[], color = true): string {
  const header = ['name', 'state', 'pid', 'uptime', '↺', 'cpu', 'memory', 'ping'];
  const rows = servers.map((s) => [
    // A per-session process sits under its server, named by its session.
    s.sessionOf === undefined ? s.name : `└ ${s.name.slice(s.sessionOf.length)}`,
    `${STATE_SYMBOL[s.state]} ${s.state}`,
    orDash(s.pid, String),
    orDash(s.uptimeMs, formatUptime),
    String(s.restarts),
    orDash(s.cpuPercent, formatPercent),
    orDash(s.memoryBytes, formatBytes),
    orDash(s.lastPingMs, formatLatency),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], paint: (cell: string, i: number) => string = (cell) => cell) =>
    cells
      .map((cell, i) => paint(i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!), i))
      .join('  ')
      .trimEnd();
  const out = [line(header, (cell) => (color ? colors.dim(cell) : cell))];
  servers.forEach((server, index) => {
    out.push(line(rows[index]!, (cell, i) => (color && i === 1 ? stateColor(server)(cell) : cell)));
    // Under the row: where a remote server is (and why it does not answer), or why a local one is not running.
    const note = server.url !== undefined ? remoteNote(server) : server.state !== 'running' ? server.lastError : null;
    if (note) out.push(`  ${color ? colors.dim(note) : note}`);
  });
  if (servers.length === 0) out.push('(no servers configured)');
  return `${out.join('\n')}\n`;
}

/** A remote keeps its one state, `remote`; its colour says whether its last check found it answering. */
function stateColor(server: ServerStatus): (text: string) => string {
  if (server.reachable === true) return colors.green;
  if (server.reachable === false) return colors.red;
  return STATE_COLOR[server.state];
}

function remoteNote(server: ServerStatus): string {
  return server.reachable === false ? `${server.url}  unreachable: ${server.lastError}` : server.url!;
}
