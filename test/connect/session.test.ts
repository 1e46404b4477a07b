/**
 * RelaySession against a fake daemon on a loopback socket: the paths an e2e run rarely takes on its
 * own (a daemon that forgets the session, a daemon found on another port, an answer cut off).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoint } from '../../src/connect/http.js';
import type { JsonRpcMessage } from '../../src/connect/messages.js';
import { RelaySession } from '../../src/connect/session.js';

interface FakeDaemon {
  endpoint: Endpoint;
  /** Every message posted to it, with the session id it came with. */
  received: { message: JsonRpcMessage; sessionId: string | undefined }[];
  close(): Promise<void>;
}

/** Sessions the fake daemons know, shared as a signing key is across daemon restarts. */
let known = new Set<string>();
let issued = 0;
const daemons: FakeDaemon[] = [];
const sessions: RelaySession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(daemons.splice(0).map((daemon) => daemon.close()));
  known = new Set();
});

async function fakeDaemon(pid: number): Promise<FakeDaemon> {
  const received: FakeDaemon['received'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const sessionId = req.headers['mcp-session-id'] as string | undefined;
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const message = JSON.parse(body) as JsonRpcMessage;
      received.push({ message, sessionId });
      answer(req, res, message, sessionId);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const daemon: FakeDaemon = {
    endpoint: { url: `http://127.0.0.1:${port}/mcp/x`, token: 't', pid },
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  daemons.push(daemon);
  return daemon;
}

function answer(req: IncomingMessage, res: ServerResponse, message: JsonRpcMessage, sessionId: string | undefined): void {
  if (message.method === 'initialize') {
    const id = `s${++issued}`;
    known.add(id);
    return sse(res, { jsonrpc: '2.0', id: message.id, result: { protocolVersion: '2025-11-25' } }, { 'mcp-session-id': id });
  }
  if (sessionId === undefined || !known.has(sessionId)) {
    res.writeHead(404, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
  }
  if (message.id === undefined) return void res.writeHead(202).end();
  if (message.method === 'cut') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': working\n\n');
    return void setTimeout(() => req.socket.destroy(), 20);
  }
  sse(res, { jsonrpc: '2.0', id: message.id, result: { echo: message.method, sessionId } });
}

function sse(res: ServerResponse, message: JsonRpcMessage, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', ...headers });
  res.end(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

function relay(locate: () => Endpoint) {
  const out: JsonRpcMessage[] = [];
  const logs: string[] = [];
  let located = 0;
  const session = new RelaySession({
    write: (message) => out.push(message),
    log: (line) => logs.push(line),
    locate: async () => {
      located++;
      return locate();
    },
    recorded: () => undefined,
  });
  sessions.push(session);
  const answerTo = async (id: unknown) => {
    await expect.poll(() => out.find((m) => m.id === id), { timeout: 5_000 }).toBeDefined();
    return out.find((m) => m.id === id)!;
  };
  const open = async () => {
    session.receive({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } });
    session.receive({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await answerTo(1);
  };
  return { session, out, logs, answerTo, open, located: () => located };
}

describe('RelaySession', () => {
  it('opens a new session from the client’s own initialize when the daemon does not know its id, and answers it to nobody', async () => {
    const daemon = await fakeDaemon(1);
    const { session, out, logs, answerTo, open } = relay(() => daemon.endpoint);
    await open();
    known.clear();

    session.receive({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    expect((await answerTo(2)).result).toMatchObject({ echo: 'tools/list' });
    expect(out.filter((m) => m.result && (m.result as { protocolVersion?: string }).protocolVersion)).toHaveLength(1);
    const methods = daemon.received.map(({ message }) => message.method);
    expect(methods.filter((m) => m === 'initialize')).toHaveLength(2);
    expect(methods.filter((m) => m === 'notifications/initialized')).toHaveLength(2);
    expect(logs.join('\n')).toMatch(/did not know this session; opened a new one/);
  });

  it('finds the daemon again after a refused connection, sends the same message in the same session, and restores what the client set up', async () => {
    const first = await fakeDaemon(1);
    let current = first;
    const { session, out, answerTo, open, located, logs } = relay(() => current.endpoint);
    await open();
    session.receive({ jsonrpc: '2.0', id: 5, method: 'resources/subscribe', params: { uri: 'file:///a' } });
    await answerTo(5);
    const sessionId = first.received.at(-1)!.sessionId;
    await first.close();
    current = await fakeDaemon(2);
    // A client's next message comes well after a daemon's end, when the idle keep-alive connection is
    // seen closed; one written on it before that would be a call lost in flight, and not resent.
    await new Promise((resolve) => setTimeout(resolve, 50));

    session.receive({ jsonrpc: '2.0', id: 2, method: 'tools/call' });
    expect((await answerTo(2)).result).toMatchObject({ echo: 'tools/call', sessionId });
    expect(located()).toBe(2);
    expect(logs.join('\n')).toMatch(/restarted \(pid 1 → 2\)/);
    await expect.poll(() => current.received.find(({ message }) => message.method === 'resources/subscribe')).toMatchObject({
      message: { id: expect.stringMatching(/^orch-connect-/), params: { uri: 'file:///a' } },
      sessionId,
    });
    expect(out.filter((m) => typeof m.id === 'string')).toEqual([]);
  });

  it('answers a call whose stream the daemon cut with an error naming it, at once', async () => {
    const daemon = await fakeDaemon(1);
    const { session, answerTo, open } = relay(() => daemon.endpoint);
    await open();

    session.receive({ jsonrpc: '2.0', id: 2, method: 'cut' });
    expect((await answerTo(2)).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/^the orch daemon went away during cut \(.+\); the call was not retried$/),
    });
  });
});
