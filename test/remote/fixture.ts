/**
 * Remote MCP servers in this process, on 127.0.0.1: a Streamable HTTP one written with the SDK as its
 * authors would (a session per `initialize`, tool `echo`), and a hand-made old HTTP+SSE one. Both
 * want `x-api-key`, so that a test proves the configured headers reach them, and both keep what they
 * were sent, so that a test proves what did not.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { resolvePolicy, type PolicyOverride } from '../../src/config/policy.js';
import type { RemoteServer } from '../../src/config/load.js';

export const API_KEY = 'remote-key-7a61';

/** Checks every 100 ms, each bounded by 1 s: a stopped remote is seen within a few hundred ms. */
export const FAST_REMOTE: PolicyOverride = { health: { intervalMs: 100, timeoutMs: 1_000 } };

export function remoteEntry(name: string, url: string, options: { transport?: string; headers?: Record<string, string>; policy?: PolicyOverride } = {}): RemoteServer {
  return {
    name,
    url,
    transport: options.transport ?? 'http',
    headers: options.headers ?? { 'x-api-key': API_KEY },
    policy: resolvePolicy(FAST_REMOTE, options.policy),
  };
}

export interface Heard {
  method: string;
  headers: Headers;
  /** The JSON-RPC method of a POST, when it had one. */
  rpc?: string;
}

export interface RemoteFixture {
  url: string;
  port: number;
  heard: Heard[];
  /** Open sessions by id: clearing it is a remote that restarted and forgot them. */
  sessions: Map<string, WebStandardStreamableHTTPServerTransport>;
  close(): Promise<void>;
}

/** `port` 0 picks one; a test that brings the remote back passes the old one. */
export async function startStreamableRemote(port = 0): Promise<RemoteFixture> {
  const sessions = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const heard: Heard[] = [];
  const app = new Hono();
  app.all('/mcp', async (c) => {
    const body = c.req.method === 'POST' ? ((await c.req.json()) as { method?: string }) : undefined;
    heard.push({ method: c.req.method, headers: c.req.raw.headers, ...(body?.method !== undefined && { rpc: body.method }) });
    if (c.req.header('x-api-key') !== API_KEY) return c.json({ error: 'unauthorized' }, 401);
    const id = c.req.header('mcp-session-id');
    if (id !== undefined) {
      const transport = sessions.get(id);
      if (!transport) return c.json({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }, 404);
      return transport.handleRequest(c.req.raw, { parsedBody: body });
    }
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (opened) => void sessions.set(opened, transport),
      onsessionclosed: (closed) => void sessions.delete(closed),
    });
    const server = new McpServer({ name: 'remote-fixture', version: '1.0.0' }, { capabilities: { tools: {} } });
    server.registerTool('echo', { inputSchema: z.object({ message: z.string() }) }, async ({ message }) => ({
      content: [{ type: 'text', text: message }],
    }));
    await server.connect(transport);
    return transport.handleRequest(c.req.raw, { parsedBody: body });
  });
  const http = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  const bound = await listening(http);
  return { url: `http://127.0.0.1:${bound}/mcp`, port: bound, heard, sessions, close: () => closeServer(http) };
}

/**
 * The old HTTP+SSE transport, as small as it goes: GET /sse names `/messages?session=ID` in an
 * `endpoint` event; what is posted there is answered on that stream.
 */
export async function startSseRemote(): Promise<RemoteFixture> {
  const streams = new Map<string, ServerResponse>();
  const heard: Heard[] = [];
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const headers = new Headers(Object.entries(request.headers).map(([key, value]): [string, string] => [key, String(value)]));
    heard.push({ method: request.method ?? '', headers });
    if (headers.get('x-api-key') !== API_KEY) return void response.writeHead(401).end();
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/sse') {
      const id = randomUUID();
      streams.set(id, response);
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(`event: endpoint\ndata: /messages?session=${id}\n\n`);
      request.once('close', () => streams.delete(id));
      return;
    }
    const stream = streams.get(url.searchParams.get('session') ?? '');
    if (request.method !== 'POST' || url.pathname !== '/messages' || !stream) return void response.writeHead(404).end();
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const message = JSON.parse(text) as { id?: unknown; method: string };
      heard.at(-1)!.rpc = message.method;
      response.writeHead(202).end();
      if (message.method !== 'initialize') return;
      const result = { protocolVersion: '2024-11-05', serverInfo: { name: 'sse-fixture', version: '0.1.0' }, capabilities: {} };
      stream.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result })}\n\n`);
    });
  });
  http.listen(0, '127.0.0.1');
  const port = await listening(http);
  return {
    url: `http://127.0.0.1:${port}/sse`,
    port,
    heard,
    sessions: new Map(),
    close: () => closeServer(http),
  };
}

async function listening(server: ServerType): Promise<number> {
  if (!server.listening) await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return (server.address() as AddressInfo).port;
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
