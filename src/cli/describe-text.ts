/** `orch describe NAME` for a human: one labelled section per aspect, figures with their units. */
import { formatBytes, formatUptime } from '../format.js';
import type { ServerDescription } from '../description.js';
import { describeExit, formatDuration } from '../machines/describe.js';
import type { Policy } from '../config/policy.js';

/** Transitions shown; `--json` has the twenty the daemon sends. */
const SHOWN_TRANSITIONS = 10;

export function formatDescription(server: ServerDescription): string {
  const out: string[] = [];
  const field = (label: string, value: string) => out.push(`${label.padEnd(13)}${value}`);
  const uptime = server.uptimeMs === null ? '' : `, up ${formatUptime(server.uptimeMs)}`;
  out.push(`${server.name}: ${server.state}${server.pid === null ? '' : ` (pid ${server.pid}${uptime})`} — ${server.reason}`);
  field('command', [server.command, ...server.args].map(quoted).join(' '));
  field('cwd', server.cwd ?? "(orch's working directory)");
  field('env', server.envNames.length === 0 ? '(none)' : `${server.envNames.join(', ')} (values hidden)`);
  const info = server.protocol?.serverInfo;
  field(
    'protocol',
    server.protocol
      ? `${server.protocol.protocolVersion}; server ${[info?.name, info?.version].filter(Boolean).join(' ') || '(unnamed)'}`
      : '(not known until it answers)',
  );
  if (server.protocol) field('capabilities', Object.keys(server.protocol.capabilities).sort().join(', ') || '(none)');
  out.push('policy', ...policyLines(server.policy).map((line) => `  ${line}`));

  if (server.tools) {
    out.push(`tools (${server.tools.length})`);
    const width = Math.max(0, ...server.tools.map((tool) => tool.name.length));
    for (const tool of server.tools) out.push(`  ${tool.name.padEnd(width)}  ${tool.description}`.trimEnd());
  } else {
    field('tools', `unavailable: ${server.toolsError ?? 'unknown'}`);
  }

  if (server.processTree.length === 0) field('processes', '(none)');
  else {
    const total = server.processTree.reduce((sum, p) => sum + (p.rssBytes ?? 0), 0);
    out.push(`processes (${server.processTree.length}, ${formatBytes(total)} resident)`);
    for (const p of server.processTree) {
      out.push(`  ${String(p.pid).padStart(7)}  ${(p.rssBytes === null ? '–' : formatBytes(p.rssBytes)).padStart(9)}  ${p.command || '(no command line)'}`);
    }
  }

  field('restarts', String(server.restarts));
  field('last exit', server.lastExit ? describeExit(server.lastExit.code, server.lastExit.signal) : '(none)');
  if (server.lastError) field('last error', server.lastError);
  const transitions = server.transitions.slice(-SHOWN_TRANSITIONS);
  if (transitions.length > 0) {
    out.push('recent transitions');
    for (const t of transitions) out.push(`  ${new Date(t.time).toISOString()}  ${t.from} → ${t.to}  ${t.reason}`);
  }
  if (server.logFiles.length === 0) field('logs', '(none yet)');
  else out.push('logs', ...server.logFiles.map((path) => `  ${path}`));
  return `${out.join('\n')}\n`;
}

export function policyLines(policy: Policy): string[] {
  const { health, restart, start, stop } = policy;
  const d = formatDuration;
  return [
    `health   a check every ${d(health.intervalMs)}, timeout ${d(health.timeoutMs)}, restart after ${health.failureThreshold} failures; ` +
      `limits CPU ${health.cpuPercent}%, memory ${formatBytes(health.memoryBytes)}`,
    `restart  at most ${restart.maxRestarts} early failures in ${d(restart.windowMs)} (early: up less than ${d(restart.minUptimeMs)}); ` +
      `backoff ${d(restart.backoffMs)} doubling to ${d(restart.maxBackoffMs)}, reset after ${d(restart.resetAfterMs)} healthy`,
    `start    timeout ${d(start.timeoutMs)}`,
    `stop     grace ${d(stop.graceMs)}, then SIGTERM; SIGKILL after ${d(stop.killTimeoutMs)}`,
    `protocol ${policy.protocol}`,
  ];
}

function quoted(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
