/** `/metrics` in the Prometheus text exposition format (version 0.0.4). */
import { DURATION_BUCKETS_SECONDS, type CallStats } from '../gateway/call-stats.js';
import { SERVER_STATES } from '../machines/server.types.js';
import type { ServerStatus } from '../status.js';
import type { DaemonHealth, GatewayReadout } from './deps.js';

type Labels = Record<string, string>;

class Exposition {
  private readonly lines: string[] = [];

  metric(name: string, type: 'gauge' | 'counter', help: string, samples: [Labels, number | null][]): void {
    this.family(name, type, help);
    for (const [labels, value] of samples) this.sample(name, labels, value);
  }

  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  sample(name: string, labels: Labels, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    this.lines.push(`${name}${formatLabels(labels)} ${value}`);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** What `/metrics` needs of the MCP gateway; absent when the daemon runs without one. */
export interface GatewayMetrics {
  calls: CallStats;
  sessions(server: string): number;
  inFlight(server: string): number;
}

export function gatewayMetrics(gateway: GatewayReadout | undefined): GatewayMetrics | undefined {
  return gateway && { calls: gateway.calls, sessions: (server) => gateway.sessions(server).length, inFlight: (server) => gateway.inFlight(server) };
}

export function formatMetrics(servers: ServerStatus[], health: DaemonHealth, gateway?: GatewayMetrics): string {
  const out = new Exposition();
  const each = (value: (s: ServerStatus) => number | null) =>
    servers.map((s): [Labels, number | null] => [{ server: s.name }, value(s)]);

  out.metric('orch_server_up', 'gauge', 'Whether the server is running and answering (1) or not (0).', each((s) => (s.state === 'running' ? 1 : 0)));
  out.metric(
    'orch_server_state',
    'gauge',
    'The server state: 1 for the current one.',
    servers.flatMap((s) => SERVER_STATES.map((state): [Labels, number] => [{ server: s.name, state }, s.state === state ? 1 : 0])),
  );
  out.metric('orch_server_restarts_total', 'counter', 'Automatic restarts since the daemon started.', each((s) => s.restarts));
  out.metric('orch_server_uptime_seconds', 'gauge', 'Time since the current process was spawned.', each((s) => seconds(s.uptimeMs)));
  out.metric('orch_server_cpu_percent', 'gauge', 'CPU use of the whole process tree, percent of one core.', each((s) => s.cpuPercent));
  out.metric('orch_server_memory_bytes', 'gauge', 'Resident memory of the whole process tree.', each((s) => s.memoryBytes));
  out.metric('orch_server_processes', 'gauge', 'Processes in the server\'s tree.', each((s) => s.processes));
  out.metric('orch_server_last_ping_seconds', 'gauge', 'Round trip of the last liveness check.', each((s) => seconds(s.lastPingMs)));

  out.metric('orch_daemon_uptime_seconds', 'gauge', 'Time since the daemon started.', [[{}, seconds(health.uptimeMs)]]);
  out.metric('orch_daemon_memory_bytes', 'gauge', 'Resident memory of the daemon.', [[{}, health.rssBytes]]);
  out.metric('orch_daemon_cpu_percent', 'gauge', 'CPU use of the daemon, percent of one core.', [[{}, health.cpuPercent]]);
  out.metric('orch_daemon_event_loop_delay_seconds', 'gauge', 'Event-loop delay of the daemon over the last window.', [
    [{ quantile: '0.5' }, seconds(health.eventLoopDelay.p50Ms)],
    [{ quantile: '0.99' }, seconds(health.eventLoopDelay.p99Ms)],
  ]);
  out.metric('orch_daemon_unwritable_files', 'gauge', "orch's own files that cannot be written right now.", [
    [{}, health.storage?.length ?? 0],
  ]);
  if (gateway) writeGateway(out, servers.map((s) => s.name), gateway);
  return out.toString();
}

function writeGateway(out: Exposition, names: string[], gateway: GatewayMetrics): void {
  const series = names.flatMap((server) => gateway.calls.series(server).map((s) => ({ server, s, labels: { server, method: s.method, tool: s.tool ?? '' } })));

  out.family('orch_mcp_requests_total', 'counter', 'Requests forwarded through the MCP gateway, by how they ended.');
  for (const { s, labels } of series) {
    for (const [outcome, count] of s.outcomes) out.sample('orch_mcp_requests_total', { ...labels, outcome }, count);
  }

  const duration = 'orch_mcp_request_duration_seconds';
  out.family(duration, 'histogram', 'Time from a request reaching the gateway to its answer (or its end).');
  for (const { s, labels } of series) {
    let cumulative = 0;
    DURATION_BUCKETS_SECONDS.forEach((le, i) => {
      cumulative += s.buckets[i] ?? 0;
      out.sample(`${duration}_bucket`, { ...labels, le: String(le) }, cumulative);
    });
    out.sample(`${duration}_bucket`, { ...labels, le: '+Inf' }, s.count);
    out.sample(`${duration}_sum`, labels, s.sumMs / 1_000);
    out.sample(`${duration}_count`, labels, s.count);
  }

  out.metric('orch_mcp_sessions', 'gauge', 'Client sessions open on the server\'s endpoint.', names.map((server) => [{ server }, gateway.sessions(server)]));
  out.metric('orch_mcp_requests_in_flight', 'gauge', 'Forwarded requests waiting on the server.', names.map((server) => [{ server }, gateway.inFlight(server)]));
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : ms / 1_000;
}
