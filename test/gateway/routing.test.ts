/**
 * The gateway's routing on a fixture that tells on itself (test/fixtures/gateway-server.mjs): what
 * reached the backend is read from the server's log, what reached each client from the SDK client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyOverride } from '../../src/config/policy.js';
import type { ServerDefinition } from '../../src/config/load.js';
import { SessionIds } from '../../src/gateway/session-ids.js';
import { bootOrchestrator, eventually, nodeServer, type TestOrchestrator } from '../support/orchestrator.js';
import { connectClient, serveGateway, TEST_TOKEN, type ServedGateway } from '../support/gateway.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/gateway-server.mjs', import.meta.url));

function fixture(policy: PolicyOverride = {}, env: Record<string, string> = {}): ServerDefinition {
  return nodeServer('tell', [FIXTURE], policy, env);
}

let orch: TestOrchestrator | undefined;
let served: (ServedGateway & { port: number }) | undefined;
let dir: string | undefined;
afterEach(async () => {
  await served?.close();
  await orch?.shutdown();
  if (dir) rmSync(dir, { recursive: true, force: true });
  orch = undefined;
  served = undefined;
  dir = undefined;
});

async function boot(policy: PolicyOverride = {}, env: Record<string, string> = {}, ids?: SessionIds, port = 0) {
  orch = bootOrchestrator([fixture(policy, env)], ids ? { sessionIds: ids } : {});
  orch.start();
  await orch.waitForState('tell', 'running');
  served = await serveGateway(orch, port);
  return { orch, served, url: served.url('tell') };
}

/**
 * What the backend heard, in order: `heard METHOD JSON` lines of its log. A chatty server's stderr is
 * read a tick at a time: wait for a line, and a line before it has been read too.
 */
function heard(method: string): Record<string, unknown>[] {
  return orch!.logs
    .tail('tell', 10_000)
    .map((line) => line.text)
    .filter((text) => text.startsWith(`heard ${method} `))
    .map((text) => JSON.parse(text.slice(`heard ${method} `.length)) as Record<string, unknown>);
}

function text(result: { content?: unknown }): string {
  return ((result.content as { text?: string }[] | undefined) ?? []).map((item) => item.text ?? '').join('');
}

describe('the gateway between clients and one shared backend', () => {
  it('forwards under orch ids, rewrites progress tokens, and delivers progress to the asker', async () => {
    const { url } = await boot();
    const { client } = await connectClient(url);
    const progress: number[] = [];
    const result = await client.callTool({ name: 'slow', arguments: { ms: 300 } }, { onprogress: (p) => progress.push(p.progress) });
    expect(text(result)).toBe('slept 300');
    expect(progress.length).toBeGreaterThan(2);
    await eventually(() => heard('tools/call').length > 0);
    const call = heard('tools/call').at(-1)!;
    expect(String(call.id)).toMatch(/^orch-\d+$/);
    expect(String((call._meta as { progressToken: unknown }).progressToken)).toMatch(/^orch-p\d+$/);
    await client.close();
  });

  it('sends a cancellation to the backend under the id the backend knows', async () => {
    const { url } = await boot();
    const { client } = await connectClient(url);
    const abort = new AbortController();
    const pending = client.callTool({ name: 'slow', arguments: { ms: 5_000 } }, { signal: abort.signal });
    await eventually(() => heard('tools/call').length === 1);
    abort.abort('changed my mind');
    await expect(pending).rejects.toThrow();
    const backendId = heard('tools/call')[0]!.id;
    await eventually(() => heard('notifications/cancelled').some((params) => params.requestId === backendId));
    expect(orch!.gateway.inFlight('tell')).toBe(0);
    expect(orch!.calls.summary('tell').find((row) => row.tool === 'slow')?.errors).toBe(1);
    await client.close();
  });

  it('fails a request that outlives gateway.requestTimeoutMs, unless progress keeps it alive', async () => {
    const { url } = await boot({ gateway: { requestTimeoutMs: 400 } });
    const { client } = await connectClient(url);
    const started = Date.now();
    await expect(client.callTool({ name: 'slow', arguments: { ms: 3_000 } })).rejects.toThrow(/no answer within 400 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await eventually(() => heard('notifications/cancelled').length === 1);
    const kept = await client.callTool({ name: 'slow', arguments: { ms: 1_000 } }, { onprogress: () => {} });
    expect(text(kept)).toBe('slept 1000');
    await client.close();
  });

  it('passes JSON-RPC errors and tool errors back unchanged and counts each outcome', async () => {
    const { url } = await boot();
    const { client } = await connectClient(url);
    await expect(client.callTool({ name: 'fail', arguments: {} })).rejects.toThrow(/failed on purpose/);
    const broken = await client.callTool({ name: 'broken', arguments: {} });
    expect(broken.isError).toBe(true);
    const rows = orch!.calls.summary('tell');
    expect(rows.find((row) => row.tool === 'fail')?.errors).toBe(1);
    expect(rows.find((row) => row.tool === 'broken')?.errors).toBe(1);
    await client.close();
  });

  it('counts resource subscriptions per session: the backend hears the first subscribe and the last unsubscribe', async () => {
    const { url } = await boot();
    const a = await connectClient(url, { name: 'a' });
    const b = await connectClient(url, { name: 'b' });
    const updates = { a: 0, b: 0 };
    a.client.setNotificationHandler('notifications/resources/updated', () => void (updates.a += 1));
    b.client.setNotificationHandler('notifications/resources/updated', () => void (updates.b += 1));
    await a.client.subscribeResource({ uri: 'test://one' });
    await b.client.subscribeResource({ uri: 'test://one' });
    await a.client.callTool({ name: 'notify', arguments: { uri: 'test://one' } });
    await eventually(() => updates.a === 1 && updates.b === 1);
    // The call came after both subscribes: once it is heard, so is any subscribe.
    await eventually(() => heard('tools/call').length === 1);
    expect(heard('resources/subscribe')).toHaveLength(1);
    await a.client.callTool({ name: 'notify', arguments: { uri: 'test://other' } });
    await a.client.unsubscribeResource({ uri: 'test://one' });
    await b.client.unsubscribeResource({ uri: 'test://one' });
    // Had a's been passed on, it would have been heard before b's.
    await eventually(() => heard('resources/unsubscribe').length > 0);
    expect(heard('resources/unsubscribe')).toHaveLength(1);
    expect(updates).toEqual({ a: 1, b: 1 });
    await a.client.close();
    await b.client.close();
  });

  it('sets the most verbose log level any session asked for, and sends each session what it asked for', async () => {
    const { url } = await boot();
    const quiet = await connectClient(url, { name: 'quiet' });
    const chatty = await connectClient(url, { name: 'chatty' });
    const got = { quiet: [] as string[], chatty: [] as string[] };
    quiet.client.setNotificationHandler('notifications/message', (n) => void got.quiet.push(String(n.params.data)));
    chatty.client.setNotificationHandler('notifications/message', (n) => void got.chatty.push(String(n.params.data)));
    await quiet.client.setLoggingLevel('error');
    await chatty.client.setLoggingLevel('debug');
    await eventually(() => heard('logging/setLevel').length >= 2);
    expect(heard('logging/setLevel').map((params) => params.level)).toEqual(['error', 'debug']);
    await quiet.client.callTool({ name: 'log', arguments: { level: 'info', text: 'for the chatty one' } });
    await quiet.client.callTool({ name: 'log', arguments: { level: 'error', text: 'for both' } });
    await eventually(() => got.chatty.length === 2 && got.quiet.length === 1);
    expect(got.quiet).toEqual(['for both']);
    expect(orch!.logs.tail('tell', 100).some((line) => line.text.includes('log message (info): for the chatty one'))).toBe(true);
    await quiet.client.close();
    await chatty.client.close();
  });

  it('routes the server’s own request to the one client with a request in flight, if it declared the capability', async () => {
    const { url } = await boot();
    const asked = await connectClient(url, { name: 'asked', capabilities: { elicitation: {} } });
    asked.client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
    const answer = await asked.client.callTool({ name: 'ask', arguments: {} });
    expect(text(answer)).toContain('Ada');
    const unable = await connectClient(url, { name: 'unable' });
    const refused = await unable.client.callTool({ name: 'ask', arguments: {} });
    expect(text(refused)).toContain('did not declare the elicitation capability');
    await asked.client.close();
    await unable.client.close();
  });
});

describe('restarts behind the endpoint', () => {
  it('fails a call in flight at once when the backend is killed, and the same session works once it is back', async () => {
    const { url } = await boot({ restart: { backoffMs: 100 } });
    const { client } = await connectClient(url);
    const pid = orch!.snapshot('tell').context.pid!;
    const pending = client.callTool({ name: 'slow', arguments: { ms: 10_000 } });
    await eventually(() => heard('tools/call').length === 1);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await expect(pending).rejects.toThrow(/tell .*killed by SIGKILL.*not retried/);
    expect(Date.now() - killedAt).toBeLessThan(1_000);
    const again = await client.callTool({ name: 'echo', arguments: { message: 'still here' } });
    expect(text(again)).toBe('still here');
    expect(orch!.snapshot('tell').context.pid).not.toBe(pid);
    await client.close();
  });

  it('tells clients the tool list changed when the restarted server lists other tools', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-gateway-'));
    const extra = join(dir, 'extra');
    const { url } = await boot({ restart: { backoffMs: 100 } }, { GATEWAY_FIXTURE_EXTRA: extra });
    const { client } = await connectClient(url);
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changed += 1));
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('extra');
    writeFileSync(extra, '');
    process.kill(orch!.snapshot('tell').context.pid!, 'SIGKILL');
    await eventually(() => changed === 1, 10_000);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('extra');
    await client.close();
  });

  it('a request waits for a server that is starting, and fails at once for one that is stopped', async () => {
    const { url } = await boot({ gateway: { waitReadyMs: 5_000 } });
    const { client } = await connectClient(url);
    orch!.restart(['tell']);
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'waited' } }))).toBe('waited');
    orch!.stop(['tell']);
    await orch!.waitForState('tell', 'stopped');
    const started = Date.now();
    await expect(client.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow(/tell is stopped.*orch start tell/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await client.close();
  });

  it('keeps a session across a new gateway with the same key, as after a daemon restart', async () => {
    const ids = SessionIds.ephemeral();
    const first = await boot({}, {}, ids);
    const { client, transport } = await connectClient(first.url);
    const sessionId = transport.sessionId!;
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'before' } }))).toBe('before');
    await served!.close();
    await orch!.shutdown();
    await boot({}, {}, ids, first.served.port);
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'after' } }))).toBe('after');
    expect(transport.sessionId).toBe(sessionId);
    expect(orch!.gateway.sessionsOf('tell')).toHaveLength(1);
    await client.close();
  });
});

describe('who may use the endpoint', () => {
  const post = (url: URL, headers: Record<string, string>, body: unknown = { jsonrpc: '2.0', id: 1, method: 'ping' }) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      body: JSON.stringify(body),
    });

  it('answers 401 without the token, 403 from a foreign origin, 404 for an unknown session or server', async () => {
    const { url } = await boot();
    const auth = { authorization: `Bearer ${TEST_TOKEN}` };
    expect((await post(url, {})).status).toBe(401);
    expect((await post(url, { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await fetch(url, { headers: { ...auth, origin: 'http://evil.example', accept: 'text/event-stream' } })).status).toBe(403);
    expect((await post(url, { ...auth, 'mcp-session-id': 'made-up.session' })).status).toBe(404);
    const forged = SessionIds.ephemeral().issue({ server: 'tell', protocolVersion: '2025-11-25', clientName: null, capabilities: [] });
    expect((await post(url, { ...auth, 'mcp-session-id': forged })).status).toBe(404);
    expect((await post(served!.url('nope'), auth)).status).toBe(404);
    const noSession = await post(url, { ...auth });
    expect(noSession.status).toBe(400);
  });
});
