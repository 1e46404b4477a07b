/** What the HTTP app needs from the daemon: the orchestrator satisfies `Supervision`, tests pass a fake. */
import type { CallStats } from '../gateway/call-stats.js';
import type { SessionInfo } from '../gateway/types.js';
import type { EventLog } from '../logs/event-log.js';
import type { ServerLogs } from '../logs/server-logs.js';
import type { StorageProblem } from '../storage/problems.js';
import type { ServerGroup } from '../machines/membership.js';
import type { ServerDescription } from '../description.js';
import type { ServerDetail, ServerStatus } from '../status.js';
import type { ActionResult, ReloadChange } from '../system.js';
import type { Transition } from '../transitions.js';
import type { HookStatus } from '../webhooks/webhooks.js';

export interface Supervision {
  names(): string[];
  statuses(): ServerStatus[];
  /** Each of these throws OrchError UNKNOWN_SERVER for a name it does not know. */
  status(name: string): ServerStatus;
  detail(name: string): ServerDetail;
  /** `orch describe`: the detail with tools, process tree and log files; never waits past the server's health timeout. */
  describe(name: string): Promise<ServerDescription>;
  /** The machine's state value (e.g. `{ active: { running: 'waiting' } }`), for the statechart view. */
  stateValue(name: string): unknown;
  /** Names and `@group`s, or every server; answers with the servers acted on. */
  start(names?: string[]): ActionResult;
  stop(names?: string[]): ActionResult;
  restart(names?: string[]): ActionResult;
  /** The `@group`s of the config, for the dashboard's filter. */
  groups(): ServerGroup[];
  /** The config file in use. */
  configPath(): string;
  /** Re-reads the config (or switches to `path`): throws OrchError CONFIG_* and changes nothing when it is invalid. */
  reload(path?: string): Promise<ReloadResult>;
  logs: Pick<ServerLogs, 'tail' | 'subscribe' | 'filePath' | 'flush'>;
  events: Pick<EventLog, 'list'>;
  subscribe(listener: (transition: Transition) => void): () => void;
}

export interface ReloadResult {
  config: string;
  changes: ReloadChange[];
}

export interface DaemonHealth {
  pid: number;
  version: string;
  startedAt: string;
  uptimeMs: number;
  rssBytes: number;
  cpuPercent: number;
  eventLoopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
  /** The config file in use. */
  config: string;
  /** orch's own files that cannot be written right now; empty when all is well. */
  storage?: StorageProblem[];
}

/** What the API, `/metrics` and the dashboard show of the MCP gateway (`/mcp/NAME`). */
export interface GatewayReadout {
  calls: CallStats;
  sessions(server: string): SessionInfo[];
  /** Requests forwarded to the server and not answered yet, all sessions together. */
  inFlight(server: string): number;
  /** The server's endpoint path, its name URL-encoded: `/mcp/memory`. */
  endpoint(server: string): string;
}

export interface AppDeps {
  supervision: Supervision;
  token: string;
  /** The port clients reach the daemon on, for the Host check; known once the daemon listens. */
  port(): number;
  /** A non-loopback host the user chose to bind to with `--host`, also accepted in `Host`. */
  host?: string;
  health(): DaemonHealth;
  /** Each webhook's deliveries (`orchestrator.webhooks`); none when absent. */
  hooks?(): HookStatus[];
  /** Stops every server, then the daemon; the response is sent before it happens. */
  shutdown(): void;
  /** The MCP gateway, when the daemon runs one: its calls, sessions and endpoints. */
  gateway?: GatewayReadout;
  /** Serves one request to a server's MCP endpoint, `/mcp/NAME` (already authenticated). */
  mcp?(server: string, request: Request): Promise<Response>;
  /** Development mode: the statechart page. */
  dev?: boolean;
  /** Where internal errors are reported; the client only sees that one happened. */
  onInternalError?(error: unknown): void;
}
