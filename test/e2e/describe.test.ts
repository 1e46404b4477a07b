/** `orch describe` against real servers: tools over the MCP link, the process tree from /proc, and a server that never lists its tools. */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ServerDescription } from '../../src/description.js';
import { runOrch, sandboxPerTest } from '../support/cli.js';

const require = createRequire(import.meta.url);
const MEMORY_SERVER = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');
const SECRET = 'sk-describe-secret-987';

/** Answers the handshake and pings, and never `tools/list`: what a hung server looks like to describe. */
const SILENT_TOOLS = `
import { createInterface } from 'node:readline';
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, method } = JSON.parse(line);
  if (method === 'initialize') send({ id, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'silent', version: '0.1' } } });
  else if (method === 'ping') send({ id, result: {} });
  else if (id !== undefined && method !== 'tools/list') send({ id, error: { code: -32601, message: 'Method not found' } });
});
`;

const newSandbox = sandboxPerTest();

describe('orch describe', () => {
  it('describes a running server with its tools, processes and logs, a hung one within its timeout, a stopped one', async () => {
    const sandbox = newSandbox();
    const silent = sandbox.writeConfig(SILENT_TOOLS, 'silent.mjs');
    const config = sandbox.writeConfig({
      mcpServers: {
        memory: { command: process.execPath, args: [MEMORY_SERVER], env: { MEMORY_FILE_PATH: `${sandbox.home}/memory.jsonl`, API_KEY: SECRET } },
        silent: { command: process.execPath, args: [silent] },
        idle: { command: process.execPath, args: [silent], disabled: true },
      },
      orchestrator: {
        defaults: { start: { timeoutMs: 15_000 } },
        servers: { silent: { health: { timeoutMs: 500 } } },
      },
    });
    const orch = (...args: string[]) => runOrch(args, sandbox.env);
    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);

    const json = await orch('describe', 'memory', '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toContain(SECRET);
    const memory = JSON.parse(json.stdout) as ServerDescription;
    expect(memory).toMatchObject({ name: 'memory', state: 'running', envNames: ['API_KEY', 'MEMORY_FILE_PATH'], toolsError: null });
    expect(memory.protocol?.serverInfo).toMatchObject({ name: 'memory-server' });
    expect(memory.tools?.map((tool) => tool.name)).toContain('read_graph');
    expect(memory.tools?.every((tool) => !tool.description.includes('\n'))).toBe(true);
    expect(memory.processTree[0]).toMatchObject({ pid: memory.pid, command: `${process.execPath} ${MEMORY_SERVER}` });
    expect(memory.processTree[0]!.rssBytes).toBeGreaterThan(1_000_000);
    expect(memory.logFiles).toEqual([`${sandbox.home}/logs/memory.log`]);

    const text = await orch('describe', 'memory');
    expect(text.stdout).toMatch(/^memory: running \(pid \d+, up \d+s\)/);
    expect(text.stdout).toMatch(/^tools \(\d+\)\n(?:.*\n)*? {2}read_graph +\S/m);
    expect(text.stdout).toContain('a check every 10 s');

    const started2 = Date.now();
    const hung = await orch('describe', 'silent');
    expect(Date.now() - started2).toBeLessThan(5_000);
    expect(hung.code, hung.stderr).toBe(0);
    expect(hung.stdout).toContain('tools        unavailable: tools/list timed out after 500 ms');

    const idle = await orch('describe', 'idle');
    expect(idle.stdout).toMatch(/^idle: disabled/);
    expect(idle.stdout).toContain('tools        unavailable: the server is disabled');

    const unknown = await orch('describe', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^orch: unknown server nosuch \(known: memory, silent, idle/);
  });
});
