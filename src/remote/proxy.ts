/**
 * `/mcp/NAME` for a remote server, so that a client has one place for all its servers: a reverse
 * proxy of Streamable HTTP. The request keeps its method, body and MCP headers and gains the entry's
 * configured `headers` (the remote's credentials); the client's own `authorization`, which is orch's
 * token, and its cookies never leave. The answer streams back as it comes (an SSE answer unbuffered)
 * with its status, content type and session id. orch keeps no session of its own here: the client's
 * session is the remote's.
 *
 * node:http rather than fetch: it can bound connecting apart from answering, and a tool call may
 * rightly take minutes before its answer's headers. Connecting is bounded by the remote's
 * `health.timeoutMs`, the answer's headers by its `gateway.requestTimeoutMs`.
 *
 * The old HTTP+SSE transport is not proxied: its client must hold a GET stream and post to the
 * endpoint that stream names, which a pass-through would have to rewrite; such a client can reach the
 * remote directly, and is told so.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { RemoteServer } from '../config/load.js';
import type { CallRecord } from '../gateway/types.js';
import { readAtMost } from './body.js';
import { callOf, watchAnswer, type ProxiedCall } from './call-watch.js';
import { describeFailure, RemoteFailure, RemoteTimeout } from './failure.js';
import { isHttpUrl } from './probe.js';

/** As the gateway's own endpoint: tool arguments can be big, but not unbounded. */
export const MAX_REMOTE_BODY_BYTES = 4 * 1024 * 1024;

/** The client's request headers that travel on: what Streamable HTTP uses, nothing that authenticates to orch. */
const FORWARDED = ['accept', 'content-type', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'mcp-method', 'mcp-name'];
/** The remote's answer headers that come back. */
const RETURNED = ['content-type', 'mcp-session-id', 'mcp-protocol-version', 'cache-control'];
/** Statuses whose answers have no body (a Response refuses one). */
const NO_BODY = new Set([204, 205, 304]);

/** What the MCP endpoint asks before it says 404: the answer of the remote of that name, if there is one. */
export type RemoteEndpoint = (server: string, request: Request) => Promise<Response> | undefined;

export interface ProxyOptions {
  /** Each proxied call, as the gateway counts its own. */
  record?(call: CallRecord): void;
}

export async function proxyRemote(remote: RemoteServer, request: Request, options: ProxyOptions = {}): Promise<Response> {
  if (remote.unavailable !== undefined) return rpcError(503, `${remote.name}: ${remote.unavailable}`);
  if (remote.transport === 'sse') {
    return rpcError(501, `${remote.name} uses the old HTTP+SSE transport, and orch proxies Streamable HTTP remotes only: connect to ${remote.url} directly`);
  }
  if (!isHttpUrl(remote.url)) return rpcError(502, `${remote.name}: "${remote.url}" is not an http or https URL`);
  if (!['GET', 'POST', 'DELETE'].includes(request.method)) return rpcError(405, `${request.method} is not an MCP method of HTTP (GET, POST or DELETE)`);

  const started = performance.now();
  let body: Buffer | undefined;
  let call: ProxiedCall | undefined;
  if (request.method === 'POST') {
    body = await readAtMost(request.body, MAX_REMOTE_BODY_BYTES);
    if (body === undefined) return rpcError(413, `the request body is over ${MAX_REMOTE_BODY_BYTES} bytes`);
    call = callOf(parse(body.toString('utf8')));
  }
  const record = (outcome: CallRecord['outcome']) => {
    if (call) options.record?.({ server: remote.name, method: call.method, tool: call.tool, outcome, durationMs: performance.now() - started });
  };

  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  // The configured ones win, lower-cased so that `Accept` in the config replaces the client's `accept`.
  for (const [name, value] of Object.entries(remote.headers)) headers[name.toLowerCase()] = value;
  if (body) headers['content-length'] = body.byteLength;

  const { timeoutMs: connectMs } = remote.policy.health;
  const { requestTimeoutMs } = remote.policy.gateway;
  let answer: IncomingMessage;
  try {
    answer = await send(new URL(remote.url), request.method, headers, body, { connectMs, answerMs: requestTimeoutMs, signal: request.signal });
  } catch (error) {
    record(request.signal.aborted ? 'cancelled' : error instanceof RemoteTimeout ? 'timeout' : 'jsonrpc:-32000');
    return rpcError(502, `${remote.name} (${remote.url}): ${describeFailure(error, requestTimeoutMs)}`);
  }
  // The remote refusing orch's credentials is not the client's to answer: an MCP client given a 401
  // would start an OAuth flow against orch.
  if (answer.statusCode === 401 || answer.statusCode === 403) {
    drain(answer);
    record('jsonrpc:-32000');
    return rpcError(502, `${remote.name} refused orch's request (HTTP ${answer.statusCode}): set its credentials in the entry's "headers"`);
  }
  const status = answer.statusCode ?? 502;
  const returned = new Headers();
  for (const name of RETURNED) {
    const value = answer.headers[name];
    if (typeof value === 'string') returned.set(name, value);
  }
  if (NO_BODY.has(status)) {
    drain(answer);
    record('ok');
    return new Response(null, { status, headers: returned });
  }
  const stream = Readable.toWeb(answer) as ReadableStream<Uint8Array>;
  if (call) watchAnswer(call, answer, MAX_REMOTE_BODY_BYTES, record);
  return new Response(stream, { status, headers: returned });
}

interface Bounds {
  connectMs: number;
  answerMs: number;
  signal: AbortSignal;
}

/** The remote's answer once its headers are in; rejects when it cannot connect or answer within the bounds. */
function send(url: URL, method: string, headers: OutgoingHttpHeaders, body: Buffer | undefined, bounds: Bounds): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, signal: bounds.signal });
    const connecting = setTimeout(() => request.destroy(new RemoteFailure(`could not connect within ${bounds.connectMs} ms`)), bounds.connectMs);
    const answering = setTimeout(() => request.destroy(new RemoteTimeout(`no answer within ${bounds.answerMs} ms`)), bounds.answerMs);
    const settled = () => {
      clearTimeout(connecting);
      clearTimeout(answering);
    };
    request.on('socket', (socket) => {
      // A kept-alive socket is connected already.
      if (!socket.connecting) clearTimeout(connecting);
      else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(connecting));
    });
    request.on('response', (answer) => {
      settled();
      resolve(answer);
    });
    request.on('error', (error) => {
      settled();
      reject(error);
    });
    request.end(body);
  });
}

/** Reads an answer nobody will see to its end, so its socket is reused; an error then is nobody's. */
function drain(answer: IncomingMessage): void {
  answer.on('error', () => {});
  answer.resume();
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function rpcError(status: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }, { status });
}
