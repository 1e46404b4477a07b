/**
 * A client as the gateway's upstream sees it: who it is, what it declared, and where messages for it
 * go. A 2025-era session is one peer for its whole life; a 2026-07-28 request is a peer of its own.
 */
export type RequestId = string | number;
export type JsonRpcMessage = Record<string, unknown>;

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Peer {
  readonly key: string;
  readonly era: 'legacy' | 'modern';
  readonly protocolVersion: string;
  readonly clientInfo: { name: string; version: string } | null;
  readonly clientCapabilities: Record<string, unknown>;
  /** The level this client asked for with `logging/setLevel`; none: it gets no log messages. */
  logLevel?: LogLevel;
  /** Hands a message to the client; `relatedRequestId` puts it on the stream of that request. */
  deliver(message: JsonRpcMessage, relatedRequestId?: RequestId): void;
}

export function logSeverity(level: unknown): number {
  return LOG_LEVELS.indexOf(level as LogLevel);
}
