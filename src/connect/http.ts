/**
 * One HTTP exchange with the daemon's `/mcp/NAME`, as the 2025-era Streamable HTTP transport makes
 * it: a POST answered by 202, JSON or an SSE stream of messages, or the GET stream. Plain `node:http`
 * with a keep-alive agent, not the SDK's client: loading it and undici would cost `orch connect` more
 * start-up time than the whole handshake.
 *
 * What matters after a failure is whether the daemon can have seen the request: `unreachable` means
 * it cannot (the connection was refused), so sending again is safe; `lost` means it may have, so a
 * call is not repeated behind the client's back.
 */
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import type { JsonRpcMessage } from './messages.js';
import { SseParser } from '../sse-events.js';

/** Where the server's endpoint is on the daemon that runs now, and which daemon that is. */
export interface Endpoint {
  url: string;
  token: string;
  pid: number;
}

export type Exchange =
  /** A 2xx answer read to its end: 202, a JSON body, or an SSE stream the daemon closed. */
  | { kind: 'done'; sessionId: string | undefined }
  /** The daemon answered with an error status; `body` is its JSON-RPC error when it sent one. */
  | { kind: 'rejected'; status: number; body: JsonRpcMessage | undefined }
  /** Nothing reached the daemon. */
  | { kind: 'unreachable'; cause: string }
  /** The connection broke once the request was on its way. */
  | { kind: 'lost'; cause: string };

/** Big enough for any resource a server would send; a bound all the same. */
const MAX_EVENT_BYTES = 64 * 1024 * 1024;
const MAX_ERROR_BYTES = 64 * 1024;

export class DaemonHttp {
  private readonly agent = new Agent({ keepAlive: true });
  private readonly open = new Set<ClientRequest>();

  exchange(
    endpoint: Endpoint,
    method: 'POST' | 'GET' | 'DELETE',
    headers: Record<string, string>,
    body: string | undefined,
    onMessage: (message: JsonRpcMessage) => void,
  ): Promise<Exchange> {
    return new Promise((resolve) => {
      const req = request(endpoint.url, {
        method,
        agent: this.agent,
        headers: { ...headers, authorization: `Bearer ${endpoint.token}` },
      });
      this.open.add(req);
      let connected = false;
      const settle = (exchange: Exchange) => {
        this.open.delete(req);
        resolve(exchange);
      };
      req.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once('connect', () => (connected = true));
      });
      // Once answered, only the response tells how the exchange ended.
      let answered = false;
      req.on('error', (error) => {
        if (!answered) settle({ kind: connected ? 'lost' : 'unreachable', cause: reason(error) });
      });
      req.on('response', (response) => {
        answered = true;
        void read(response, onMessage).then(settle);
      });
      req.end(body);
    });
  }

  /** Ends every exchange still open (the GET stream, calls in flight) and the idle connections. */
  close(): void {
    for (const req of this.open) req.destroy();
    this.open.clear();
    this.agent.destroy();
  }
}

function read(response: IncomingMessage, onMessage: (message: JsonRpcMessage) => void): Promise<Exchange> {
  const status = response.statusCode ?? 0;
  const sessionId = header(response, 'mcp-session-id');
  const type = header(response, 'content-type') ?? '';
  response.setEncoding('utf8');
  return new Promise((resolve) => {
    let text = '';
    let ended = false;
    const fail = (cause: string) => {
      response.destroy();
      resolve({ kind: 'lost', cause });
    };
    const sse = status < 400 && type.startsWith('text/event-stream') ? new SseParser(MAX_EVENT_BYTES) : undefined;
    response.on('data', (chunk: string) => {
      try {
        // A priming event (an id and no data) carries nothing for the client.
        if (sse) for (const event of sse.push(chunk)) if (event.event === 'message' && event.data !== '') deliver(event.data, onMessage);
        else if (text.length + chunk.length <= (status >= 400 ? MAX_ERROR_BYTES : MAX_EVENT_BYTES)) text += chunk;
        else fail('the answer was too large');
      } catch (error) {
        fail((error as Error).message);
      }
    });
    response.on('error', () => {});
    response.on('end', () => {
      ended = true;
      if (status >= 400) return resolve({ kind: 'rejected', status, body: parse(text) });
      if (!sse && text.trim() !== '') deliver(text, onMessage);
      resolve({ kind: 'done', sessionId });
    });
    response.on('close', () => {
      if (!ended) resolve({ kind: 'lost', cause: 'the connection closed mid-answer' });
    });
  });
}

/** A JSON body may hold one message or a batch of them. */
function deliver(text: string, onMessage: (message: JsonRpcMessage) => void): void {
  const parsed = parse(text);
  for (const message of Array.isArray(parsed) ? parsed : parsed === undefined ? [] : [parsed]) onMessage(message as JsonRpcMessage);
}

function parse(text: string): JsonRpcMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as JsonRpcMessage) : undefined;
  } catch {
    return undefined;
  }
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `connect ECONNREFUSED 127.0.0.1:5000` reads well as it is; a bare reset gets its code. */
function reason(error: NodeJS.ErrnoException): string {
  return error.message || error.code || 'connection error';
}
