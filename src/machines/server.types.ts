/** The server machine's context, input and events: the contract between the machine, its actors and readers. */
import type { Policy, ProtocolMode } from '../config/policy.js';
import type { ToolSummary } from '../mcp/tools.js';

export const SERVER_STATES = ['stopped', 'starting', 'running', 'unhealthy', 'backoff', 'stopping', 'crashed'] as const;
export type ServerStateName = (typeof SERVER_STATES)[number];

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string | undefined;
}

export interface ServerInput {
  spec: ServerSpec;
  policy: Policy;
}

export interface ProtocolInfo {
  /** The wire generation the link speaks with this server. */
  generation: Exclude<ProtocolMode, 'auto'>;
  protocolVersion: string;
  serverInfo: { name?: string; version?: string } & Record<string, unknown>;
  capabilities: Record<string, unknown>;
  /** What the server tells its clients about using it; the gateway passes it on. */
  instructions?: string;
  /** Versions `server/discover` listed (2026 servers only): the gateway offers these to clients. */
  supportedVersions?: string[];
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

/** What to do once a stop completes. */
export type AfterStop = 'stay-stopped' | 'start' | 'recover';

export interface ServerContext {
  spec: ServerSpec;
  policy: Policy;
  pid: number | null;
  pgid: number | null;
  startedAt: number | null;
  /** Automatic restarts since orch started; never reset, like PM2's ↺ column. */
  restarts: number;
  recovery: RecoveryBook;
  lastExit: ExitStatus | null;
  lastError: string | null;
  lastPingMs: number | null;
  consecutiveFailures: number;
  /**
   * The number of the check in flight (or the next one): bumped when a check is judged, so a late answer
   * to an earlier check cannot count twice. Also the count of checks judged so far.
   */
  probeSeq: number;
  protocol: ProtocolInfo | null;
  noiseLines: number;
  /**
   * The last figures the sampler sent (it sends only samples over a limit and the first one back
   * under): what the health decisions need. The latest figures for display live with the sampler.
   */
  resources: ResourceSample | null;
  afterStop: AfterStop;
  /** Set just before a failed start, crash or health restart is judged. */
  failure: { reason: string; fatal: boolean } | null;
  /** A human sentence for the last transition, e.g. "ping timed out after 5000 ms (1/3)". */
  reason: string;
}

/**
 * What the restart policy remembers between failures, kept as one field: XState copies the context on
 * every `assign` with `Object.assign({}, …)`, and V8 turns such a copy of more than 19 properties into a
 * slow dictionary object (4 KB per copy, and slower reads), on every health check.
 */
export interface RecoveryBook {
  /** Restarts inside the current window that count toward giving up (early failures only): decides `crashed`. */
  windowRestarts: number;
  /** Restarts since the server was last healthy for `resetAfterMs`: decides the backoff delay. */
  crashStreak: number;
  /** The current process has been up for `minUptimeMs` since it answered: its end is not counted toward giving up. */
  provenUptime: boolean;
  /** Bumped when the window is reset, so expiries scheduled before the reset are ignored. */
  windowGeneration: number;
  nextDelayMs: number;
}

/** Events the user (CLI, API, supervisor) sends. */
export type ServerCommandEvent = { type: 'server.start' } | { type: 'server.stop' } | { type: 'server.restart' };

/** Events the process actor sends back. */
export type ProcessReportEvent =
  | { type: 'process.spawned'; pid: number; pgid: number; startedAt: number }
  | { type: 'process.exited'; code: number | null; signal: string | null }
  /** `fatal`: retrying cannot help (the command does not exist or is not executable). */
  | { type: 'process.failed'; error: string; fatal?: boolean }
  | { type: 'process.noise'; total: number }
  | { type: 'mcp.ready'; protocol: ProtocolInfo; elapsedMs: number }
  | { type: 'mcp.failed'; error: string }
  | { type: 'probe.ok'; seq: number; latencyMs: number }
  | { type: 'probe.failed'; seq: number; reason: string };

/** The latest resource sample of a server's whole process tree. */
export interface ResourceSample {
  cpuPercent: number;
  memoryBytes: number;
  processes: number;
}

/** Sent by the sampler after each tick to every server it measured. */
export type ResourceSampleEvent = { type: 'resources.sample' } & ResourceSample;

/** From the supervisor or the daemon: a new policy from a reloaded config; why a server at rest is not started. */
export type ServerControlEvent = { type: 'server.configure'; policy: Policy } | { type: 'server.note'; reason: string };

export type ServerEvent =
  | ServerCommandEvent
  | ServerControlEvent
  | ProcessReportEvent
  | ResourceSampleEvent
  | { type: 'restart.expired'; generation: number }
  | { type: 'uptime.proven' };

/** Commands the machine sends to the process actor. */
export type ProcessCommand =
  | { type: 'process.closeStdin' }
  | { type: 'process.signal'; signal: NodeJS.Signals }
  | { type: 'probe.check'; seq: number }
  | ToolsRequest;

/** A read the daemon asks of a running server (`orch describe`): it changes nothing, so the machine never sees it. */
export interface ToolsRequest {
  type: 'tools.list';
  timeoutMs: number;
  reply: (answer: ToolsAnswer) => void;
}

export type ToolsAnswer = { tools: ToolSummary[] } | { error: string };

/** Sent to the supervisor whenever a server comes to rest in `stopped` or `crashed`. */
export interface ServerSettledEvent {
  type: 'server.settled';
  name: string;
}

/** Sent to the supervisor whenever a server enters `running`: what its dependents wait for. */
export interface ServerReadyEvent {
  type: 'server.ready';
  name: string;
}
