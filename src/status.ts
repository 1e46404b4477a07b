/**
 * What readers (the API, the CLI, the dashboard) see of a server: plain JSON built from its snapshot.
 * `env` values never appear here, only their names: they often hold API keys (a remote's `headers` too).
 */
import type { RemoteServer } from './config/load.js';
import type { Policy } from './config/policy.js';
import type { CallSummary } from './gateway/call-stats.js';
import type { SessionInfo } from './gateway/types.js';
import { serverStateName, type ServerSnapshot } from './machines/server.state.js';
import { SERVER_STATES, type ExitStatus, type ProtocolInfo, type ResourceSample, type ServerStateName } from './machines/server.types.js';
import type { HistorySeries } from './metrics/history.js';
import type { RemoteReading } from './remote/remotes.js';
import type { Transition } from './transitions.js';

/**
 * A server's state as readers show it: the machine's, `disabled` for a disabled server at rest, `remote`
 * for a `url` entry. Whether a remote answers is its `reachable`, not a state of its own: states are
 * what orch drives (and what actions, webhooks and the statechart are about), while a remote's
 * reachability is only observed, and every reader that sets remotes apart keeps working.
 */
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
  /** A remote server's last check: it answered MCP, it did not, or none has ended yet (null); absent for the ones orch runs. */
  reachable?: boolean | null;
  /** A per-session server's process for one client session: the server it runs. */
  sessionOf?: string;
}

export interface ServerDetail extends ServerStatus {
  command: string;
  args: string[];
  cwd: string | null;
  envNames: string[];
  /** A remote server's: how it is reached, and the names of the headers sent to it (never their values). */
  transport?: string;
  headerNames?: string[];
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

/** A `url` entry of the config: listed beside the servers orch runs, probed, never started. */
export function remoteStatus(server: RemoteServer, reading: RemoteReading): ServerStatus {
  return {
    name: server.name,
    state: 'remote',
    pid: null,
    restarts: 0,
    uptimeMs: null,
    cpuPercent: null,
    memoryBytes: null,
    processes: null,
    lastPingMs: reading.lastPingMs,
    lastError: reading.lastError,
    reason: server.unavailable ?? `remote (${server.transport}): ${reading.reachable === null ? 'not checked yet' : reading.reachable ? 'answers MCP' : 'unreachable'}`,
    disabled: false,
    url: server.url,
    reachable: reading.reachable,
  };
}

/** A remote's detail: no command, process or history of orch's; its policy says how it is probed. */
export function remoteDetail(status: ServerStatus, server: RemoteServer, reading: RemoteReading): ServerDetail {
  return {
    ...status,
    command: '',
    args: [],
    cwd: null,
    envNames: [],
    headerNames: Object.keys(server.headers).sort(),
    transport: server.transport,
    policy: server.policy,
    protocol: reading.protocol,
    lastExit: null,
    noiseLines: 0,
    transitions: [],
    history: { at: [], cpuPercent: [], memoryBytes: [], pingMs: [] },
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
