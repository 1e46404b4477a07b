/**
 * What readers (the API, the CLI, the dashboard) see of a server: plain JSON built from its snapshot.
 * `env` values never appear here, only their names: they often hold API keys.
 */
import type { Policy } from './config/policy.js';
import type { CallSummary } from './gateway/call-stats.js';
import type { SessionInfo } from './gateway/types.js';
import { serverStateName, type ServerSnapshot } from './machines/server.state.js';
import { SERVER_STATES, type ExitStatus, type ProtocolInfo, type ResourceSample, type ServerStateName } from './machines/server.types.js';
import type { HistorySeries } from './metrics/history.js';
import type { Transition } from './transitions.js';

/** A server's state as readers show it: the machine's, `disabled` for a disabled server at rest, `remote` for a `url` entry. */
export type DisplayState = ServerStateName | 'disabled' | 'remote';
export const DISPLAY_STATES: readonly DisplayState[] = [...SERVER_STATES, 'disabled', 'remote'];

export interface ServerStatus {
  name: string;
  state: DisplayState;
  pid: number | null;
  restarts: number;
  uptimeMs: number | null;
  cpuPercent: number | null;
  memoryBytes: number | null;
  processes: number | null;
  lastPingMs: number | null;
  lastError: string | null;
  reason: string;
  disabled: boolean;
  /** Where a remote server is; absent for the ones orch runs. */
  url?: string;
  /** A per-session server's process for one client session: the server it runs. */
  sessionOf?: string;
}

export interface ServerDetail extends ServerStatus {
  command: string;
  args: string[];
  cwd: string | null;
  envNames: string[];
  policy: Policy;
  protocol: ProtocolInfo | null;
  lastExit: ExitStatus | null;
  noiseLines: number;
  transitions: Transition[];
  /** CPU, memory and ping latency over the last hour, oldest first. */
  history: HistorySeries;
  // The three below come from the MCP gateway, and are absent when the daemon runs without one.
  /** The URL clients reach the server at through orch: `http://127.0.0.1:PORT/mcp/NAME`. */
  endpoint?: string;
  /** The recent call rate, and the last hour per method and tool. */
  calls?: ServerCalls;
  /** The client sessions open on the endpoint. */
  sessions?: SessionInfo[];
}

export interface ServerCalls {
  /** Calls per minute over the last 5 minutes. */
  perMinute: number;
  tools: CallSummary[];
}

const HAS_PROCESS: ReadonlySet<ServerStateName> = new Set(['starting', 'running', 'unhealthy', 'stopping']);
/** Where a ping round trip is current; elsewhere the machine keeps the last one, which would read as today's. */
const PINGED: ReadonlySet<ServerStateName> = new Set(['running', 'unhealthy']);

export function serverStatus(
  snapshot: ServerSnapshot,
  options: { disabled: boolean; sample?: ResourceSample | null; now?: number },
): ServerStatus {
  const { context } = snapshot;
  const state = serverStateName(snapshot);
  const live = HAS_PROCESS.has(state) && context.pid !== null;
  const sample = live ? (options.sample ?? null) : null;
  return {
    name: context.spec.name,
    // At rest, a disabled server says so; started by name, it shows what it does.
    state: options.disabled && state === 'stopped' ? 'disabled' : state,
    pid: live ? context.pid : null,
    restarts: context.restarts,
    uptimeMs: live && context.startedAt !== null ? Math.max(0, (options.now ?? Date.now()) - context.startedAt) : null,
    cpuPercent: sample?.cpuPercent ?? null,
    memoryBytes: sample?.memoryBytes ?? null,
    processes: sample?.processes ?? null,
    lastPingMs: PINGED.has(state) ? context.lastPingMs : null,
    lastError: context.lastError,
    reason: context.reason,
    disabled: options.disabled,
  };
}

/** A `url` entry of the config: listed beside the servers orch runs, never started. */
export function remoteStatus(server: { name: string; url: string; transport: string }): ServerStatus {
  return {
    name: server.name,
    state: 'remote',
    pid: null,
    restarts: 0,
    uptimeMs: null,
    cpuPercent: null,
    memoryBytes: null,
    processes: null,
    lastPingMs: null,
    lastError: null,
    reason: `remote (${server.transport}): not run by orch`,
    disabled: false,
    url: server.url,
  };
}

export function serverDetail(
  status: ServerStatus,
  snapshot: ServerSnapshot,
  transitions: Transition[],
  history: HistorySeries,
): ServerDetail {
  const { spec, policy, protocol, lastExit, noiseLines } = snapshot.context;
  return {
    ...status,
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd ?? null,
    envNames: Object.keys(spec.env).sort(),
    policy,
    protocol,
    lastExit,
    noiseLines,
    transitions,
    history,
  };
}
