/**
 * `orch connect NAME` as an MCP client runs it: the compiled bin over stdio, in front of a real daemon
 * and server-everything. It starts what is not running, hides daemon restarts from the client, fails a
 * call the daemon took with it at once, and writes nothing but JSON-RPC on stdout.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberConfig } from '../../src/daemon/config-memory.js';
import { readDaemonInfo } from '../../src/daemon/daemon-file.js';
import { resolveHome } from '../../src/home.js';
import { exitOf, runOrch, sandboxPerTest, type Sandbox } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));
const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

const run = promisify(execFile);
const newSandbox = sandboxPerTest();
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** A sandbox whose remembered config runs server-everything: what `orch connect` starts a daemon with. */
function everythingSandbox(): Sandbox {
  const sandbox = newSandbox();
  const config = sandbox.writeConfig({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } });
  const home = resolveHome(sandbox.env);
  mkdirSync(home.root, { recursive: true, mode: 0o700 });
  rememberConfig(home, config);
  return sandbox;
}

async function connectClient(sandbox: Sandbox): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'connect', 'everything'],
    env: sandbox.env as Record<string, string>,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'connect-test', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return client;
}

const INITIALIZE_PARAMS = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } };

/** `orch connect` on a raw pipe: every stdout line kept, and when the first one came. */
function rawConnect(sandbox: Sandbox, server = 'everything') {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [BIN, 'connect', server], { env: sandbox.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let firstLineMs: number | undefined;
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    firstLineMs ??= performance.now() - startedAt;
    lines.push(...parts);
  });
  child.stderr.resume();
  return {
    child,
    lines,
    partial: () => partial,
    initializeMs: () => firstLineMs,
    send: (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`),
    answered: (count: number) => vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(count), { timeout: 20_000, interval: 5 }),
  };
}

const echo = (client: Client, message: string) => client.callTool({ name: 'echo', arguments: { message } });
const echoed = (message: string) => ({ content: [{ type: 'text', text: `Echo: ${message}` }] });
const daemonPid = (sandbox: Sandbox) => readDaemonInfo(resolveHome(sandbox.env).daemonFile)?.pid;

describe('orch connect', () => {
  it('starts the daemon and the server, and keeps the same client working across a shutdown and a start', async () => {
    const sandbox = everythingSandbox();
    expect(daemonPid(sandbox)).toBeUndefined();
    const client = await connectClient(sandbox);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
    expect(await echo(client, 'before')).toMatchObject(echoed('before'));
    const first = daemonPid(sandbox);

    expect((await runOrch(['shutdown'], sandbox.env)).code).toBe(0);
    expect((await runOrch(['start'], sandbox.env)).code).toBe(0);
    expect(daemonPid(sandbox)).not.toBe(first);
    expect(await echo(client, 'after')).toMatchObject(echoed('after'));
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('echo');
  });

  it('fails a call in flight at once when the daemon is killed, and the next call brings the daemon back', async () => {
    const sandbox = everythingSandbox();
    const client = await connectClient(sandbox);
    expect(await echo(client, 'warm')).toMatchObject(echoed('warm'));
    const pid = daemonPid(sandbox)!;

    const long = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 5, steps: 5 } }).then(
      () => new Error('the call succeeded'),
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const error = await long;
    const tookMs = performance.now() - killedAt;
    expect(error.message).toMatch(/orch daemon went away during tools\/call .*; the call was not retried/);
    expect(tookMs).toBeLessThan(2_000);

    expect(await echo(client, 'back')).toMatchObject(echoed('back'));
    expect(daemonPid(sandbox)).not.toBe(pid);
  });

  it('answers initialize quickly with the daemon running, writes only JSON-RPC lines, and exits 0 when stdin ends', async () => {
    const sandbox = everythingSandbox();
    // The compiled bin, as a client's config runs it: a daemon under tsx would answer slower than a real one.
    await run(process.execPath, [BIN, 'start'], { env: sandbox.env });

    const first = rawConnect(sandbox);
    first.send({ id: 1, method: 'initialize', params: INITIALIZE_PARAMS });
    await first.answered(1);
    first.send({ method: 'notifications/initialized' });
    first.send({ id: 2, method: 'tools/list' });
    first.send({ id: 3, method: 'tools/call', params: { name: 'echo', arguments: { message: 'raw' } } });
    first.child.stdin.write('not json\n');
    await first.answered(4);
    first.child.stdin.end();
    expect(await exitOf(first.child)).toBe(0);
    expect(first.partial()).toBe('');
    const messages = first.lines.map((line) => JSON.parse(line) as { jsonrpc: string; id?: unknown; method?: string });
    for (const message of messages) expect(message.jsonrpc).toBe('2.0');
    const answers = messages.filter((message) => message.method === undefined);
    expect(answers.map((message) => message.id).sort()).toEqual([1, 2, 3, null]);

    // The first client of a daemon also pays for the daemon loading its MCP endpoint; the next one does not.
    const second = rawConnect(sandbox);
    second.send({ id: 1, method: 'initialize', params: INITIALIZE_PARAMS });
    await second.answered(1);
    second.child.stdin.end();
    expect(await exitOf(second.child)).toBe(0);
    console.log(
      `orch connect: initialize answered ${first.initializeMs()!.toFixed(0)} ms after spawn for a daemon's first client, ` +
        `${second.initializeMs()!.toFixed(0)} ms for the next (daemon and server running)`,
    );
    expect(second.initializeMs()).toBeLessThan(1_000);

    // A name the daemon does not run: the client still gets an answer, and the reason.
    const unknown = rawConnect(sandbox, 'nope');
    unknown.send({ id: 1, method: 'initialize', params: INITIALIZE_PARAMS });
    await unknown.answered(1);
    expect(JSON.parse(unknown.lines[0]!)).toMatchObject({ id: 1, error: { message: 'unknown server nope (known: everything)' } });
    unknown.child.stdin.end();
    expect(await exitOf(unknown.child)).toBe(0);
  });
});
