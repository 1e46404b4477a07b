/** One remote's check (src/remote/probe.ts) against remotes in this process: what it finds, and what it says when it cannot. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteProbe, type RemoteProbe } from '../../src/remote/probe.js';
import { remoteEntry, startSseRemote, startStreamableRemote, type RemoteFixture } from './fixture.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function remote(start: () => Promise<RemoteFixture> = () => startStreamableRemote()): Promise<RemoteFixture> {
  const fixture = await start();
  cleanups.push(() => fixture.close());
  return fixture;
}

function probe(...args: Parameters<typeof remoteEntry>): RemoteProbe {
  const made = createRemoteProbe(remoteEntry(...args));
  cleanups.push(() => made.close());
  return made;
}

/** An HTTP server that answers every request with `answer`, or never when it is undefined. */
async function plainServer(answer?: (response: import('node:http').ServerResponse) => void): Promise<string> {
  const server: Server = createServer((_request, response) => answer?.(response));
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

describe('a Streamable HTTP remote', () => {
  it('is reachable, with a ping round trip and what it said of itself; the configured headers reach it', async () => {
    const fixture = await remote();
    const result = await probe('far', fixture.url).check();
    expect(result).toMatchObject({ ok: true, protocol: { protocolVersion: '2025-11-25', serverInfo: { name: 'remote-fixture', version: '1.0.0' } } });
    expect(result.ok && result.latencyMs).toBeGreaterThan(0);
    expect(fixture.heard.map((h) => h.rpc)).toEqual(['initialize', 'notifications/initialized', 'ping']);
    expect(fixture.heard.every((h) => h.headers.get('x-api-key') !== null)).toBe(true);
  });

  it('keeps one session and pings it; a remote that forgot it gets a new one; closing deletes it', async () => {
    const fixture = await remote();
    const far = probe('far', fixture.url);
    for (let i = 0; i < 3; i++) expect(await far.check()).toMatchObject({ ok: true });
    expect(fixture.heard.filter((h) => h.rpc === 'initialize')).toHaveLength(1);
    expect(fixture.sessions.size).toBe(1);

    fixture.sessions.clear();
    expect(await far.check()).toMatchObject({ ok: true });
    expect(fixture.heard.filter((h) => h.rpc === 'initialize')).toHaveLength(2);
    expect(fixture.sessions.size).toBe(1);

    await far.close();
    expect(fixture.heard.at(-1)!.method).toBe('DELETE');
    expect(fixture.sessions.size).toBe(0);
  });

  it('says why it is unreachable, in one line', async () => {
    const fixture = await remote();
    expect(await probe('far', fixture.url, { headers: { 'x-api-key': 'wrong' } }).check()).toEqual({
      ok: false,
      error: `initialize: HTTP 401 Unauthorized: set the remote's credentials in the entry's "headers"`,
    });
    await fixture.close();
    expect(await probe('far', fixture.url).check()).toEqual({ ok: false, error: 'connection refused' });

    const html = await plainServer((response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hello</h1>'));
    expect(await probe('web', html).check()).toEqual({ ok: false, error: 'not MCP: initialize was answered with text/html' });

    const silent = await plainServer();
    expect(await probe('slow', silent, { policy: { health: { timeoutMs: 200 } } }).check()).toEqual({ ok: false, error: 'no answer within 200 ms' });

    expect(await probe('typo', 'htp:/nowhere').check()).toEqual({ ok: false, error: '"htp:/nowhere" is not an http or https URL' });
  });
});

describe('an HTTP+SSE remote (the old transport)', () => {
  it('is reachable: the endpoint event, initialize posted there, the answer on the stream, then closed', async () => {
    const fixture = await remote(startSseRemote);
    const result = await probe('old', fixture.url, { transport: 'sse' }).check();
    expect(result).toMatchObject({ ok: true, protocol: { protocolVersion: '2024-11-05', serverInfo: { name: 'sse-fixture' } } });
    expect(fixture.heard.map((h) => [h.method, h.rpc])).toEqual([
      ['GET', undefined],
      ['POST', 'initialize'],
    ]);
    expect(fixture.heard.every((h) => h.headers.get('x-api-key') !== null)).toBe(true);
  });

  it('says what went wrong: the stream refused, or no endpoint event', async () => {
    const fixture = await remote(startSseRemote);
    expect(await probe('old', fixture.url.replace('/sse', '/nope'), { transport: 'sse' }).check()).toEqual({ ok: false, error: 'HTTP 404 Not Found' });
    const mute = await plainServer((response) => response.writeHead(200, { 'content-type': 'text/event-stream' }).end(': nothing\n\n'));
    expect(await probe('mute', mute, { transport: 'sse' }).check()).toEqual({ ok: false, error: 'not MCP: the stream ended without an endpoint event' });
  });
});
