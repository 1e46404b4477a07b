/**
 * Proving a server speaks MCP, in either protocol generation: `server/discover` (2026-07-28,
 * stateless, no `ping`) or the `initialize` handshake (2025-11-25 and older).
 */
import type { ProtocolMode } from '../config/policy.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import type { McpLink } from './link.js';
import { LEGACY_VERSION, STATELESS_VERSION } from './protocol.js';

/** In `auto`, how long `server/discover` may stay unanswered before `initialize` is tried beside it. */
export const DISCOVER_FALLBACK_MS = 1_000;

export interface ClientInfo {
  name: string;
  version: string;
}

export interface NegotiateOptions {
  mode: ProtocolMode;
  timeoutMs: number;
  clientInfo: ClientInfo;
  fallbackAfterMs?: number;
}

export function negotiate(link: McpLink, options: NegotiateOptions): Promise<ProtocolInfo> {
  if (options.mode === STATELESS_VERSION) return discover(link, options);
  if (options.mode === 'legacy') return initialize(link, options);
  return negotiateAuto(link, options);
}

/** The liveness check: `ping` for the older generation, `server/discover` for the newer, which has no ping. */
export function livenessRequest(protocol: ProtocolInfo, clientInfo: ClientInfo): { method: string; params?: unknown } {
  return protocol.generation === STATELESS_VERSION ? { method: 'server/discover', params: statelessParams(clientInfo) } : { method: 'ping' };
}

/**
 * Sends `server/discover` first; if it fails, or stays unanswered past the fallback delay, `initialize`
 * goes out too and the first success wins. A slow 2026 server is not misread as a legacy one, and a
 * legacy server that ignores unknown methods still starts.
 */
function negotiateAuto(link: McpLink, options: NegotiateOptions): Promise<ProtocolInfo> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let discoverError: Error | undefined;
    let initializeError: Error | undefined;
    let initializeSent = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(fallback);
      settle();
    };
    const sendInitialize = () => {
      if (initializeSent || settled) return;
      initializeSent = true;
      initialize(link, options).then(
        (info) => finish(() => resolve(info)),
        (error: Error) => {
          initializeError = error;
          if (discoverError) finish(() => reject(error));
        },
      );
    };
    const fallback = setTimeout(sendInitialize, options.fallbackAfterMs ?? DISCOVER_FALLBACK_MS);
    discover(link, options).then(
      (info) => finish(() => resolve(info)),
      (error: Error) => {
        discoverError = error;
        if (initializeError) finish(() => reject(initializeError));
        else sendInitialize();
      },
    );
  });
}

async function discover(link: McpLink, options: NegotiateOptions): Promise<ProtocolInfo> {
  const result = asObject(await link.request('server/discover', statelessParams(options.clientInfo), options.timeoutMs));
  const versions = Array.isArray(result.supportedVersions) ? result.supportedVersions : [];
  if (!versions.includes(STATELESS_VERSION)) {
    throw new Error(`server/discover does not list ${STATELESS_VERSION} (it lists ${versions.join(', ') || 'nothing'})`);
  }
  const meta = asObject(result._meta);
  return {
    generation: STATELESS_VERSION,
    protocolVersion: STATELESS_VERSION,
    serverInfo: asObject(result.serverInfo ?? meta['io.modelcontextprotocol/serverInfo']),
    capabilities: asObject(result.capabilities),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
    supportedVersions: versions.filter((version): version is string => typeof version === 'string'),
  };
}

async function initialize(link: McpLink, options: NegotiateOptions): Promise<ProtocolInfo> {
  const result = asObject(
    await link.request(
      'initialize',
      // What the gateway can pass on to its clients; a server that asks when none can gets a clear error.
      { protocolVersion: LEGACY_VERSION, capabilities: { elicitation: {}, sampling: {} }, clientInfo: options.clientInfo },
      options.timeoutMs,
    ),
  );
  if (typeof result.protocolVersion !== 'string') throw new Error('initialize: the result has no protocolVersion');
  link.notify('notifications/initialized');
  return {
    generation: 'legacy',
    protocolVersion: result.protocolVersion,
    serverInfo: asObject(result.serverInfo),
    capabilities: asObject(result.capabilities),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
  };
}

/** What every request of the stateless generation carries, since there is no session to remember it. */
export function statelessParams(clientInfo: ClientInfo) {
  return {
    _meta: {
      'io.modelcontextprotocol/protocolVersion': STATELESS_VERSION,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': clientInfo,
    },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
