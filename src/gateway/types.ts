/**
 * What the gateway tells the rest of orch: the sessions clients hold on a server's endpoint and what
 * became of each forwarded call, and where its endpoint is. Pure, so the HTTP app, the status and the
 * metrics share them.
 */

/** How a forwarded request ended: a JSON-RPC error is `jsonrpc:<code>`; `restart` is a call lost to the backend going away. */
export type CallOutcome = 'ok' | 'tool_error' | 'timeout' | 'cancelled' | 'restart' | `jsonrpc:${number}`;

export interface CallRecord {
  server: string;
  method: string;
  /** The tool's name for `tools/call`, else null. */
  tool: string | null;
  outcome: CallOutcome;
  durationMs: number;
}

export interface SessionInfo {
  /** A short, non-secret prefix of the session id, for display. */
  id: string;
  server: string;
  era: 'legacy' | 'modern';
  protocolVersion: string;
  client: { name: string; version: string } | null;
  openedAt: number;
  lastActiveAt: number;
  /** Requests of this session waiting on the backend. */
  inFlight: number;
  /** For a per-session server: the member that runs this session's own process. */
  member?: string;
}

/** Where a server's MCP endpoint is on the daemon: `/mcp/NAME`, the name URL-encoded. */
export function mcpPath(server: string): string {
  return `/mcp/${encodeURIComponent(server)}`;
}
