/**
 * Whether a remote server answers MCP, asked over HTTP with plain fetch: an SDK client would be a
 * heavier way to send three small requests, and would hide the HTTP status a user needs to see.
 *
 * Streamable HTTP (`http`): one session is kept and `ping`ed at every check, re-initialized when the
 * remote says it no longer knows it (404) or after any failure. A fresh `initialize` per check would
 * leave a session behind on every remote that ignores DELETE (many do: 405), one per interval; one
 * kept session costs the remote one, and the latency shown is a ping round trip, as for the servers
 * orch runs. The session is deleted when the probe closes (reload, shutdown).
 *
 * Old HTTP+SSE (`sse`): its session is the GET stream itself, so each check opens it, waits for the
 * `endpoint` event, posts `initialize` there, reads the answer from the stream and closes; the
 * latency is that initialize round trip.
 *
 * Every check is bounded by the remote's `health.timeoutMs`, and never throws.
 */
import type { RemoteServer } from '../config/load.js';
import type { ProtocolInfo } from '../machines/server.types.js';
import { LEGACY_VERSION } from '../mcp/protocol.js';
import { VERSION } from '../version.js';
import { readAtMost } from './body.js';
import { describeFailure, httpFailure, RemoteFailure } from './failure.js';
import { sseEvents } from '../sse-events.js';

export type ProbeResult = { ok: true; latencyMs: number; protocol: ProtocolInfo } | { ok: false; error: string };

export interface RemoteProbe {
  check(): Promise<ProbeResult>;
  /** Ends what the probe holds on the remote (an http session), within the same bound; never throws. */
  close(): Promise<void>;
}

/** An initialize answer is a few KB; a remote sending more than this is not answering a probe. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const CLIENT_INFO = { name: 'orch', version: VERSION };

type Message = { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };

export function createRemoteProbe(remote: RemoteServer): RemoteProbe {
  if (!isHttpUrl(remote.url)) {
    const error = `"${remote.url}" is not an http or https URL`;
    return { check: async () => ({ ok: false, error }), close: async () => {} };
  }
  return remote.transport === 'sse' ? sseProbe(remote) : httpProbe(remote);
}

export function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && ['http:', 'https:'].includes(new URL(text).protocol);
}

interface Session {
  /** Absent for a stateless remote, which issues none. */
  id: string | undefined;
  protocol: ProtocolInfo;
}

function httpProbe(remote: RemoteServer): RemoteProbe {
  const timeoutMs = remote.policy.health.timeoutMs;
  let session: Session | undefined;
  let nextId = 0;

  const post = (body: object, current: Session | undefined, signal: AbortSignal) =>
    fetch(remote.url, {
      method: 'POST',
      headers: withHeaders(remote, {
        accept: 'application/json, text/event-stream',
        'content-type': 'application/json',
        ...(current && sessionHeaders(current)),
      }),
      body: JSON.stringify(body),
      signal,
    });

  const initialize = async (signal: AbortSignal): Promise<Session> => {
    const id = `orch-probe-${++nextId}`;
    const params = { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: CLIENT_INFO };
    const response = await post({ jsonrpc: '2.0', id, method: 'initialize', params }, undefined, signal);
    const opened: Session = { id: response.headers.get('mcp-session-id') ?? undefined, protocol: protocolOf(await answer(response, id, 'initialize')) };
    const initialized = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, opened, signal);
    await initialized.body?.cancel();
    if (!initialized.ok) throw new RemoteFailure(`notifications/initialized: ${httpFailure(initialized.status, initialized.statusText)}`);
    return opened;
  };

  /** The round trip, or `gone` when the remote no longer knows the session. */
  const ping = async (current: Session, signal: AbortSignal): Promise<number | 'gone'> => {
    const id = `orch-probe-${++nextId}`;
    const started = performance.now();
    const response = await post({ jsonrpc: '2.0', id, method: 'ping' }, current, signal);
    if (response.status === 404 && current.id !== undefined) {
      await response.body?.cancel();
      return 'gone';
    }
    await answer(response, id, 'ping');
    return performance.now() - started;
  };

  const end = async (ending: Session | undefined) => {
    if (ending?.id === undefined) return;
    try {
      const response = await fetch(remote.url, {
        method: 'DELETE',
        headers: withHeaders(remote, sessionHeaders(ending)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
    } catch {
      // Unreachable now: the remote ends the session on its own idle timeout.
    }
  };

  return {
    async check() {
      const bound = AbortSignal.timeout(timeoutMs);
      try {
        session ??= await initialize(bound);
        let latency = await ping(session, bound);
        if (latency === 'gone') {
          session = await initialize(bound);
          latency = await ping(session, bound);
          if (latency === 'gone') throw new RemoteFailure('the remote forgot its session as soon as it opened it (HTTP 404)');
        }
        return { ok: true, latencyMs: latency, protocol: session.protocol };
      } catch (error) {
        // A session that failed once is not trusted again; ending it is best effort.
        void end(session);
        session = undefined;
        return { ok: false, error: describeFailure(bound.aborted ? bound.reason : error, timeoutMs) };
      }
    },
    async close() {
      const ending = session;
      session = undefined;
      await end(ending);
    },
  };
}

/** The entry's headers (its credentials), and over them what the protocol needs, whatever the case they were written in. */
function withHeaders(remote: RemoteServer, own: Record<string, string>): Headers {
  const headers = new Headers(remote.headers);
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  return headers;
}

function sessionHeaders(session: Session): Record<string, string> {
  return {
    'mcp-protocol-version': session.protocol.protocolVersion,
    ...(session.id !== undefined && { 'mcp-session-id': session.id }),
  };
}

function sseProbe(remote: RemoteServer): RemoteProbe {
  const timeoutMs = remote.policy.health.timeoutMs;
  return {
    async check() {
      const bound = AbortSignal.timeout(timeoutMs);
      const done = new AbortController();
      const signal = AbortSignal.any([bound, done.signal]);
      try {
        const stream = await fetch(remote.url, { headers: withHeaders(remote, { accept: 'text/event-stream' }), signal });
        if (!stream.ok) throw new RemoteFailure(httpFailure(stream.status, stream.statusText));
        if (!stream.headers.get('content-type')?.includes('text/event-stream') || stream.body === null) {
          throw new RemoteFailure(`not MCP: the stream was answered with ${stream.headers.get('content-type') || 'no content type'}`);
        }
        const id = 'orch-probe';
        let started: number | undefined;
        for await (const event of sseEvents(stream.body, MAX_ANSWER_BYTES)) {
          if (event.event === 'endpoint' && started === undefined) {
            const endpoint = new URL(event.data, remote.url);
            // The configured headers are the remote's credentials: they go to its own origin only.
            if (endpoint.origin !== new URL(remote.url).origin) throw new RemoteFailure(`the endpoint event names another origin (${endpoint.origin})`);
            started = performance.now();
            const params = { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: CLIENT_INFO };
            const posted = await fetch(endpoint, {
              method: 'POST',
              headers: withHeaders(remote, { 'content-type': 'application/json' }),
              body: JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params }),
              signal,
            });
            await posted.body?.cancel();
            if (!posted.ok) throw new RemoteFailure(`posting initialize: ${httpFailure(posted.status, posted.statusText)}`);
          } else if (event.event === 'message' && started !== undefined) {
            const message = parseMessage(event.data);
            if (message?.id !== id) continue;
            const protocol = protocolOf(resultOf(message, 'initialize'));
            return { ok: true, latencyMs: performance.now() - started, protocol };
          }
        }
        throw new RemoteFailure(started === undefined ? 'not MCP: the stream ended without an endpoint event' : 'the stream ended before the initialize answer');
      } catch (error) {
        return { ok: false, error: describeFailure(bound.aborted ? bound.reason : error, timeoutMs) };
      } finally {
        done.abort();
      }
    },
    close: async () => {},
  };
}

/** The result of request `id` from a Streamable HTTP answer: JSON, or the event stream it is in. */
async function answer(response: Response, id: string, method: string): Promise<Record<string, unknown>> {
  if (!response.ok) throw new RemoteFailure(`${method}: ${httpFailure(response.status, response.statusText)}${await errorDetail(response)}`);
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/event-stream') && response.body !== null) {
    for await (const event of sseEvents(response.body, MAX_ANSWER_BYTES)) {
      const message = event.event === 'message' ? parseMessage(event.data) : undefined;
      if (message?.id === id) return resultOf(message, method);
    }
    throw new RemoteFailure(`${method}: the answer stream ended without an answer`);
  }
  if (type.includes('application/json')) {
    const bytes = await readAtMost(response.body, MAX_ANSWER_BYTES);
    if (bytes === undefined) throw new RemoteFailure(`${method}: the answer is over ${MAX_ANSWER_BYTES} bytes`);
    const parsed = parseJson(bytes.toString('utf8'));
    const message = (Array.isArray(parsed) ? parsed : [parsed]).find((m: Message | null) => m?.id === id) as Message | undefined;
    if (message) return resultOf(message, method);
    throw new RemoteFailure(`not MCP: the answer to ${method} is not JSON-RPC`);
  }
  await response.body?.cancel();
  throw new RemoteFailure(`not MCP: ${method} was answered with ${type || 'no content type'}`);
}

function resultOf(message: Message, method: string): Record<string, unknown> {
  if (message.error) throw new RemoteFailure(`${method} failed: ${String(message.error.message)} (${String(message.error.code)})`);
  if (typeof message.result !== 'object' || message.result === null) throw new RemoteFailure(`not MCP: the answer to ${method} has no result`);
  return message.result as Record<string, unknown>;
}

/** What an HTTP error's JSON-RPC body says (the SDK explains a 400 or 406 there), or nothing. */
async function errorDetail(response: Response): Promise<string> {
  const bytes = await readAtMost(response.body, 4_096).catch(() => undefined);
  const message = bytes && (parseJson(bytes.toString('utf8')) as Message | undefined)?.error?.message;
  return typeof message === 'string' ? `: ${message.split('\n')[0]}` : '';
}

function protocolOf(result: Record<string, unknown>): ProtocolInfo {
  if (typeof result.protocolVersion !== 'string') throw new RemoteFailure('not MCP: the initialize result has no protocolVersion');
  const object = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
  return {
    generation: 'legacy',
    protocolVersion: result.protocolVersion,
    serverInfo: object(result.serverInfo),
    capabilities: object(result.capabilities),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
  };
}

function parseMessage(text: string): Message | undefined {
  const parsed = parseJson(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Message) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
