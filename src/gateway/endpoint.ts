/**
 * `/mcp/NAME` over Streamable HTTP, both protocol generations chosen per request by the SDK's own
 * classifier. 2025-era clients get a session on the SDK's `WebStandardStreamableHTTPServerTransport`
 * (signed ids: a restarted daemon revives them); 2026-07-28 requests are single exchanges on its
 * `PerRequestHTTPServerTransport`. orch answers `initialize`, `ping` and `server/discover` from its own
 * handshake with the backend; everything else goes to the server's upstream.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PerRequestHTTPServerTransport,
  SUPPORTED_PROTOCOL_VERSIONS,
  WebStandardStreamableHTTPServerTransport,
  classifyInboundRequest,
  isInitializeRequest,
  isJsonContentType,
  type InboundModernRoute,
  type JSONRPCMessage,
} from '@modelcontextprotocol/server';
import { STATELESS_VERSION } from '../mcp/protocol.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import { discoverResult, eraOfVersion, initializeResult, type ServerIdentity } from './era.js';
import type { Gateway, GatewaySession } from './gateway.js';
import type { JsonRpcMessage, Peer, RequestId } from './peer.js';
import type { RemoteEndpoint } from '../remote/proxy.js';

/** The largest JSON-RPC body a client may post: tool arguments can be big, but not unbounded. */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

const LEGACY_VERSIONS = SUPPORTED_PROTOCOL_VERSIONS.filter((version) => eraOfVersion(version) === 'legacy');
const MODERN_VERSIONS = [STATELESS_VERSION];

/** `remote` answers for a remote server of that name (src/remote/proxy.ts): orch runs no process for it. */
export async function serveMcp(gateway: Gateway, server: string, request: Request, remote?: RemoteEndpoint): Promise<Response> {
  if (gateway.policy(server) === undefined) return (await remote?.(server, request)) ?? rpcError(404, -32601, `orch runs no server named ${server}`);
  if (request.method === 'POST') {
    if (!isJsonContentType(request.headers.get('content-type'))) {
      return rpcError(415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const text = await request.text();
    if (Buffer.byteLength(text) > MAX_MCP_BODY_BYTES) return rpcError(413, -32000, `the request body is over ${MAX_MCP_BODY_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return rpcError(400, -32700, 'Parse error: the request body is not valid JSON');
    }
    // A request in a 2025-era session is of that era: the classifier's work (and its allocations) is for the rest.
    if (request.headers.has('mcp-session-id')) return serveLegacy(gateway, server, request, body);
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body,
      ...header(request, 'mcp-protocol-version', 'protocolVersionHeader'),
      ...header(request, 'mcp-method', 'mcpMethodHeader'),
      ...header(request, 'mcp-name', 'mcpNameHeader'),
    });
    if (route.kind === 'reject') return rpcError(route.httpStatus, route.code, route.message, route.data, idOf(body));
    if (route.kind === 'modern') {
      if (perSession(gateway, server)) {
        return rpcError(400, -32000, `${server} keeps state per session (gateway.sharing: per-session): connect with a 2025-11-25 session (initialize)`, undefined, idOf(body));
      }
      return serveModern(gateway, server, route, request);
    }
    return serveLegacy(gateway, server, request, body);
  }
  return serveLegacy(gateway, server, request, undefined);
}

/**
 * The SDK answers a POST with an event stream at once, so its headers would go out in a write of
 * their own before the answer exists. Most answers are one event: wait for it, and when the stream
 * ends right after, send headers and body together. A stream that goes on (progress, a server's
 * request) is passed on as it comes, starting with what was read.
 */
async function inOneWrite(response: Response): Promise<Response> {
  if (response.body === null || !response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
  const reader = response.body.getReader();
  const first = await reader.read();
  const { status, headers } = response;
  if (first.done) return new Response(null, { status, headers });
  const next = reader.read();
  // The SDK closes the stream in the same turn as it writes a final answer: a pending read means more is coming.
  const ended = await Promise.race([next, new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined)))]);
  if (ended?.done) return new Response(first.value, { status, headers });
  const pending: Promise<ReadableStreamReadResult<Uint8Array>>[] = [ended ? Promise.resolve(ended) : next];
  return new Response(
    new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(first.value),
      pull: async (controller) => {
        const chunk = await (pending.shift() ?? reader.read());
        if (chunk.done) controller.close();
        else controller.enqueue(chunk.value);
      },
      cancel: (reason) => reader.cancel(reason),
    }),
    { status, headers },
  );
}

function perSession(gateway: Gateway, server: string): boolean {
  return gateway.policy(server)?.sharing === 'per-session';
}

function header<K extends string>(request: Request, name: string, key: K): Partial<Record<K, string>> {
  const value = request.headers.get(name);
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}

async function serveLegacy(gateway: Gateway, server: string, request: Request, body: unknown): Promise<Response> {
  const id = request.headers.get('mcp-session-id');
  if (id !== null) {
    const session = (gateway.session(id) as LegacySession | undefined) ?? revive(gateway, server, id);
    if (!session || session.server !== server) return rpcError(404, -32001, 'Session not found');
    session.lastActiveAt = gateway.now();
    return inOneWrite(await session.transport.handleRequest(request, body === undefined ? undefined : { parsedBody: body }));
  }
  if (request.method === 'POST' && isInitializeRequest(body as JSONRPCMessage)) {
    const init = body as { params: { protocolVersion: string; clientInfo?: { name: string; version: string }; capabilities?: Record<string, unknown> } };
    const opened = perSession(gateway, server) ? gateway.openMember(server) : undefined;
    if (opened && 'refused' in opened) return rpcError(503, -32000, opened.refused, undefined, idOf(body));
    let protocol: ProtocolInfo;
    try {
      protocol = await gateway.upstream(opened?.member ?? server).protocol();
    } catch (error) {
      if (opened) gateway.closeMember(opened.member);
      return rpcError(503, -32000, (error as Error).message, undefined, idOf(body));
    }
    const answer = initializeResult(identity(server, protocol), init.params.protocolVersion, legacyVersionsFor(protocol));
    const session = openLegacy(
      gateway,
      server,
      {
        protocolVersion: String(answer.protocolVersion),
        clientInfo: init.params.clientInfo ?? null,
        clientCapabilities: init.params.capabilities ?? {},
      },
      { member: opened?.member },
    );
    session.answerInitialize = answer;
    return inOneWrite(await session.transport.handleRequest(request, { parsedBody: body }));
  }
  if (request.method === 'POST') return rpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required (send initialize first)', undefined, idOf(body));
  return rpcError(400, -32000, 'Bad Request: Mcp-Session-Id header is required');
}

interface LegacySession extends GatewaySession {
  readonly transport: WebStandardStreamableHTTPServerTransport;
  answerInitialize?: object;
}

interface PeerFacts {
  protocolVersion: string;
  clientInfo: { name: string; version: string } | null;
  clientCapabilities: Record<string, unknown>;
}

function openLegacy(gateway: Gateway, server: string, facts: PeerFacts, where: { id?: string; member?: string }): LegacySession {
  const { member } = where;
  const id =
    where.id ??
    gateway.ids.issue({
      server,
      protocolVersion: facts.protocolVersion,
      clientName: facts.clientInfo?.name ?? null,
      capabilities: Object.keys(facts.clientCapabilities),
    });
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => id,
    onsessionclosed: () => gateway.close(id),
  });
  const peer: Peer = {
    key: id,
    era: 'legacy',
    ...facts,
    deliver: (message, relatedRequestId) => {
      transport.send(message as JSONRPCMessage, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(() => {
        // The client's stream is gone: what was for it cannot be delivered, and nobody else should get it.
      });
    },
  };
  const now = gateway.now();
  const session: LegacySession = {
    id,
    server,
    peer,
    transport,
    openedAt: now,
    lastActiveAt: now,
    ...(member !== undefined && { member }),
    close: () => void transport.close(),
  };
  transport.onmessage = (message) => {
    session.lastActiveAt = gateway.now();
    const incoming = message as JsonRpcMessage;
    if (incoming.method === 'initialize' && session.answerInitialize) {
      peer.deliver({ jsonrpc: '2.0', id: incoming.id, result: session.answerInitialize });
      session.answerInitialize = undefined;
    } else {
      gateway.upstream(member ?? server).receive(peer, incoming);
    }
  };
  gateway.open(session);
  return session;
}

/**
 * A session id this daemon did not issue but whose signature holds: one a previous daemon opened.
 * The SDK transport has no public way to take over an initialized session, so its two fields are set.
 */
function revive(gateway: Gateway, server: string, id: string): LegacySession | undefined {
  const claims = gateway.ids.verify(id);
  if (!claims || claims.server !== server || gateway.hasEnded(id)) return undefined;
  // A per-session server's session gets a new process of its own: the old one went with the old daemon.
  const opened = perSession(gateway, server) ? gateway.openMember(server) : undefined;
  if (opened && 'refused' in opened) return undefined;
  const session = openLegacy(
    gateway,
    server,
    {
      protocolVersion: claims.protocolVersion,
      clientInfo: claims.clientName === null ? null : { name: claims.clientName, version: '' },
      clientCapabilities: Object.fromEntries(claims.capabilities.map((name) => [name, {}])),
    },
    { id, member: opened?.member },
  );
  Object.assign(session.transport as unknown as { sessionId: string; _initialized: boolean }, { sessionId: id, _initialized: true });
  return session;
}

/** A 2026-07-28 request: one exchange, answered here (`server/discover`) or by the backend. */
async function serveModern(gateway: Gateway, server: string, route: InboundModernRoute, request: Request): Promise<Response> {
  const transport = new PerRequestHTTPServerTransport({ classification: route.classification });
  await transport.start();
  const message = route.message as unknown as JsonRpcMessage;
  const meta = ((message.params as JsonRpcMessage | undefined)?._meta ?? {}) as JsonRpcMessage;
  const upstream = gateway.upstream(server);
  const peer: Peer = {
    key: `modern:${String(message.id)}`,
    era: 'modern',
    protocolVersion: route.classification.revision ?? STATELESS_VERSION,
    clientInfo: (meta[CLIENT_INFO_META_KEY] as Peer['clientInfo']) ?? null,
    clientCapabilities: (meta[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown>) ?? {},
    deliver: (reply, relatedRequestId) => {
      transport.send(reply as JSONRPCMessage, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(() => {});
    },
  };
  transport.onmessage = () => {
    if (message.method === 'server/discover' && message.id !== undefined) {
      upstream.protocol().then(
        (protocol) => peer.deliver({ jsonrpc: '2.0', id: message.id, result: discoverResult(identity(server, protocol), MODERN_VERSIONS) }),
        (error: Error) => peer.deliver({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: error.message } }),
      );
    } else {
      upstream.receive(peer, message);
    }
  };
  // The client dropping the HTTP request is how a 2026 client cancels; after an answer this finds nothing.
  transport.onclose = () => {
    if (message.id !== undefined) upstream.cancel(peer, message.id as RequestId, 'the client closed the request');
  };
  try {
    return await transport.handleMessage(route.message, { request });
  } catch {
    return new Response(null, { status: 499 });
  }
}

/** What the backend said of itself, whole: a client refuses a server description without a name or version. */
function identity(server: string, protocol: ProtocolInfo): ServerIdentity {
  const { name, version } = protocol.serverInfo;
  return {
    ...protocol,
    serverInfo: { ...protocol.serverInfo, name: typeof name === 'string' ? name : server, version: typeof version === 'string' ? version : '0.0.0' },
  };
}

/** The 2025-era versions orch offers a client of this backend: a legacy one's up to its own, all for a 2026 one. */
function legacyVersionsFor(protocol: ProtocolInfo): string[] {
  if (protocol.generation === STATELESS_VERSION) return LEGACY_VERSIONS;
  return LEGACY_VERSIONS.filter((version) => version <= protocol.protocolVersion);
}

function idOf(body: unknown): RequestId | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function rpcError(status: number, code: number, message: string, data?: unknown, id: RequestId | null = null): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message, ...(data !== undefined && { data }) }, id }, { status });
}
