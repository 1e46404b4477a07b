/**
 * The daemon's /mcp/NAME with the SDK's own Streamable HTTP client, across a daemon restart: the
 * same session id keeps working, because the new daemon checks its signature instead of answering 404.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest } from '../support/cli.js';

const EVERYTHING = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
const newSandbox = sandboxPerTest();

/** A port free right now, so the restarted daemon listens where the client expects it. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('the daemon’s MCP endpoint across a daemon restart', () => {
  it('keeps the client’s session', async () => {
    const sandbox = newSandbox();
    const env = { ...sandbox.env, ORCH_PORT: String(await freePort()) };
    const config = sandbox.writeConfig({ mcpServers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } } });
    expect((await runOrch(['start', '--config', config], env)).code).toBe(0);
    const token = readFileSync(join(sandbox.home, 'token'), 'utf8').trim();
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${env.ORCH_PORT}/mcp/everything`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    });
    const client = new Client({ name: 'restart-test', version: '1.0.0' });
    await client.connect(transport);
    const echo = async (message: string) => ((await client.callTool({ name: 'echo', arguments: { message } })).content as { text: string }[])[0]!.text;
    expect(await echo('before')).toBe('Echo: before');
    const session = transport.sessionId;

    expect((await runOrch(['shutdown'], env)).code).toBe(0);
    expect((await runOrch(['start'], env)).code).toBe(0);
    expect(readFileSync(join(sandbox.home, 'token'), 'utf8').trim()).toBe(token);
    expect(await echo('after')).toBe('Echo: after');
    expect(transport.sessionId).toBe(session);
    await client.close();
  });
});
