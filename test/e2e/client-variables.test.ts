/**
 * A VS Code workspace config through a real daemon: `${workspaceFolder}`, `envFile` and `${input:…}`.
 * A server whose input has no value waits, says which input it needs, is not started even when
 * named, and runs after `orch secret set` and `orch reload`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectDaemon } from '../../src/cli/client.js';
import { resolveHome } from '../../src/home.js';
import { exitOf, runOrch, sandboxPerTest } from '../support/cli.js';
import { eventually, FIXTURE } from '../support/orchestrator.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const newSandbox = sandboxPerTest();

interface Status {
  servers: { name: string; state: string; reason: string }[];
}

describe('client variables through a daemon', () => {
  it('a server needing an input waits for it, then runs after orch secret set and orch reload', async () => {
    const sandbox = newSandbox();
    const workspace = join(dirname(sandbox.home), 'project');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.env'), 'LEVEL=debug\n');
    const config = join(workspace, '.vscode', 'mcp.json');
    writeFileSync(
      config,
      JSON.stringify({
        servers: {
          plain: { command: process.execPath, args: [FIXTURE], cwd: '${workspaceFolder}' },
          gh: { command: process.execPath, args: [FIXTURE], env: { TOKEN: '${input:token}' }, envFile: '${workspaceFolder}/.env' },
        },
      }),
    );
    const orch = (...args: string[]) => runOrch(args, sandbox.env);
    // The API's list has each server's reason, which `status --json` leaves out.
    const server = async (name: string) =>
      (await connectDaemon(resolveHome(sandbox.env)).request<Status>('GET', '/api/servers')).servers.find((s) => s.name === name)!;

    expect((await orch('start', '--config', config)).code).toBe(0);
    expect((await server('plain')).state).toBe('running');
    expect(await server('gh')).toMatchObject({ state: 'disabled', reason: expect.stringMatching(/needs input token/) });

    const named = await orch('start', 'gh');
    expect(named.stderr).toMatch(/gh is not started: needs input token/);
    expect((await server('gh')).state).toBe('disabled');

    // The value goes in through stdin, as a user pipes it or types it.
    const set = spawn(process.execPath, ['--import', 'tsx', BIN, 'secret', 'set', 'token'], { env: sandbox.env, stdio: ['pipe', 'ignore', 'ignore'] });
    set.stdin.end('t0ken\n');
    expect(await exitOf(set)).toBe(0);
    const reloaded = await orch('reload');
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect(reloaded.stdout).toMatch(/gh/);
    await eventually(async () => (await server('gh')).state === 'running', 15_000, 'gh to run');
  });
});
