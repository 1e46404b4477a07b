/**
 * `/mcp/NAME` for a remote server (src/remote/proxy.ts), through orch's own app on a socket, as the
 * daemon serves it: the SDK's client talks to orch with orch's token, the remote gets its own key.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createConsola } from 'consola';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteServer } from '../../src/config/load.js';
import { serveMcp } from '../../src/gateway/endpoint.js';
import { mcpPath } from '../../src/gateway/types.js';
import { createApp } from '../../src/http/app.js';
import type { Supervision } from '../../src/http/deps.js';
import { createOrchestrator, type Orchestrator } from '../../src/system.js';
import { connectClient, TEST_TOKEN } from '../support/gateway.js';
import { eventually } from '../support/orchestrator.js';
import { API_KEY, remoteEntry, startSseRemote, startStreamableRemote } from './fixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** orch with these remotes, its app listening on 127.0.0.1 as the daemon's does. */
async function serveOrch(remote: RemoteServer[]): Promise<{ orch: Orchestrator; url: (name: string) => URL }> {
  const orch = createOrchestrator({
    config: { path: '/test/config.json', port: 0, sampleIntervalMs: 500, servers: [], remote, groups: [], watch: false, webhooks: [] },
    logger: createConsola({ level: -999 }),
  });
  cleanups.push(() => orch.shutdown());
  let port = 0;
  const app = createApp({
    supervision: orch as unknown as Supervision,
    token: TEST_TOKEN,
    port: () => port,
    health: () => {
      throw new Error('not used');
    },
    shutdown: () => {},
    mcp: (name, request) => serveMcp(orch.gateway, name, request, orch.remoteEndpoint),
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      }),
  );
  return { orch, url: (name) => new URL(`http://127.0.0.1:${port}${mcpPath(name)}`) };
}

async function streamable() {
  const fixture = await startStreamableRemote();
  cleanups.push(() => fixture.close());
  return fixture;
}

/** A POST with orch's token, as a client would send it. */
function post(url: URL, body: string, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
}

const PING = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

describe('a Streamable HTTP remote through /mcp/NAME', () => {
  it('the SDK client lists its tools and calls echo; the remote gets its key, never orch token; the calls are counted', async () => {
    const fixture = await streamable();
    const { orch, url } = await serveOrch([remoteEntry('far', fixture.url)]);
    const { client, transport } = await connectClient(url('far'));
    cleanups.push(() => client.close());
    expect(client.getServerVersion()).toMatchObject({ name: 'remote-fixture', version: '1.0.0' });
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    expect(await client.callTool({ name: 'echo', arguments: { message: 'through orch' } })).toMatchObject({
      content: [{ type: 'text', text: 'through orch' }],
    });

    const fromClient = fixture.heard.filter((h) => h.headers.get('mcp-session-id') === transport.sessionId || h.rpc === 'initialize');
    expect(fromClient.map((h) => h.rpc)).toEqual(expect.arrayContaining(['initialize', 'tools/list', 'tools/call']));
    for (const heard of fixture.heard) {
      expect(heard.headers.get('x-api-key')).toBe(API_KEY);
      expect(heard.headers.get('authorization')).toBeNull();
    }
    await eventually(() => orch.calls.summary('far').some((row) => row.tool === 'echo'), 2_000, 'the echo call to be counted');
    expect(orch.calls.summary('far')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'tools/list', tool: null, calls: 1, errors: 0 }),
        expect.objectContaining({ method: 'tools/call', tool: 'echo', calls: 1, errors: 0 }),
      ]),
    );

    // The session is the remote's: ending it through orch ends it there.
    const opened = transport.sessionId!;
    expect(fixture.sessions.has(opened)).toBe(true);
    await transport.terminateSession();
    expect(fixture.sessions.has(opened)).toBe(false);
  });

  it('answers with a JSON-RPC error saying why when the remote cannot be reached, refuses orch, or does not answer', async () => {
    const fixture = await streamable();
    const silent = createServer(() => {});
    silent.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => silent.once('listening', () => resolve()));
    cleanups.push(() => {
      silent.closeAllConnections();
      silent.close();
    });
    const { orch, url } = await serveOrch([
      remoteEntry('locked', fixture.url, { headers: { 'x-api-key': 'wrong' } }),
      remoteEntry('slow', `http://127.0.0.1:${(silent.address() as AddressInfo).port}/mcp`, { policy: { health: { timeoutMs: 200 }, gateway: { requestTimeoutMs: 200 } } }),
      remoteEntry('gone', fixture.url.replace(/:\d+/, ':1')),
    ]);

    const locked = await post(url('locked'), PING);
    // Not a 401: the client would take it for orch's own token and start signing in to orch.
    expect(locked.status).toBe(502);
    expect((await locked.json()).error.message).toBe(`locked refused orch's request (HTTP 401): set its credentials in the entry's "headers"`);

    const slow = await post(url('slow'), PING);
    expect(slow.status).toBe(502);
    expect((await slow.json()).error.message).toMatch(/^slow \(http:\/\/127\.0\.0\.1:\d+\/mcp\): no answer within 200 ms$/);
    expect(orch.calls.summary('slow')).toEqual([expect.objectContaining({ method: 'ping', calls: 1, errors: 1 })]);

    const gone = await post(url('gone'), PING);
    expect(gone.status).toBe(502);
    expect((await gone.json()).error.message).toMatch(/: connection refused$/);
  });

  it('streams an SSE answer as it comes: the first event reaches the client before the remote writes the next', async () => {
    let finish: (() => void) | undefined;
    const streaming = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'remote-session' });
      const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } };
      response.write(`event: message\ndata: ${JSON.stringify(progress)}\n\n`);
      finish = () => response.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: 1, result: {} })}\n\n`);
    });
    streaming.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => streaming.once('listening', () => resolve()));
    cleanups.push(() => {
      streaming.closeAllConnections();
      streaming.close();
    });
    // Its probes never get an answer: bounded short, so that shutting down does not wait on one.
    const live = `http://127.0.0.1:${(streaming.address() as AddressInfo).port}/mcp`;
    const { url } = await serveOrch([remoteEntry('live', live, { policy: { health: { timeoutMs: 200 } } })]);
    const answer = await post(url('live'), PING);
    expect(answer.headers.get('content-type')).toBe('text/event-stream');
    expect(answer.headers.get('mcp-session-id')).toBe('remote-session');
    const reader = answer.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value;
    expect(text).toContain('notifications/progress');
    expect(text).not.toContain('"result"');
    finish!();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += chunk.value;
    expect(text).toContain('"result":{}');
  });

  it('bounds the body it forwards, as the gateway does', async () => {
    const fixture = await streamable();
    const { url } = await serveOrch([remoteEntry('far', fixture.url)]);
    const big = await post(url('far'), JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x'.repeat(5 * 1024 * 1024) } } }));
    expect(big.status).toBe(413);
    expect(fixture.heard.filter((h) => h.rpc === 'tools/call')).toEqual([]);
  });
});

describe('other remotes', () => {
  it('an HTTP+SSE remote is not proxied, and the client is told where to go; an unknown name is still a 404', async () => {
    const fixture = await startSseRemote();
    cleanups.push(() => fixture.close());
    const { url } = await serveOrch([remoteEntry('old', fixture.url, { transport: 'sse' })]);
    const old = await post(url('old'), PING);
    expect(old.status).toBe(501);
    expect(await old.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: `old uses the old HTTP+SSE transport, and orch proxies Streamable HTTP remotes only: connect to ${fixture.url} directly` },
      id: null,
    });
    expect((await post(url('nobody'), PING)).status).toBe(404);
  });
});
