/**
 * The daemon remembers its config file in $ORCH_HOME/config.json: after `orch shutdown` or a kill -9,
 * a plain `orch start` (or `orch monitor`) runs the same file, not ~/.mcp.json. HOME points at the
 * sandbox, so a ~/.mcp.json of the machine running the tests cannot stand in for the remembered one.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitOf, runOrch, sandboxPerTest, spawnOrch, waitForOutput, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

interface StatusJson {
  config: string;
  servers: { name: string; state: string; pid: number | null }[];
}

const newSandbox = sandboxPerTest();
let sandbox: Sandbox | undefined;

function setup() {
  sandbox = newSandbox();
  const env = { ...sandbox.env, HOME: dirname(sandbox.home) };
  const config = sandbox.writeConfig(
    {
      mcpServers: {
        alpha: { command: process.execPath, args: [FIXTURE, '--ignore-stdin-close'] },
        beta: { command: process.execPath, args: [FIXTURE] },
      },
      orchestrator: { defaults: { stop: { graceMs: 200, killTimeoutMs: 1000 } } },
    },
    'project.mcp.json',
  );
  const orch = (...args: string[]) => runOrch(args, env);
  const status = async () => {
    const result = await orch('status', '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const daemonPid = () => (JSON.parse(readFileSync(join(sandbox!.home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
  return { sandbox, env, config, orch, status, daemonPid };
}

describe('the remembered config', () => {
  it('after orch shutdown, a plain orch start and orch monitor use the file the daemon ran with', async () => {
    const { sandbox, env, config, orch, status } = setup();
    const first = await orch('start', '--config', config);
    expect(first.code, first.stderr).toBe(0);
    const memory = join(sandbox.home, 'config.json');
    expect(JSON.parse(readFileSync(memory, 'utf8'))).toEqual({ path: config });
    expect(statSync(memory).mode & 0o777).toBe(0o600);
    expect((await orch('shutdown')).code).toBe(0);

    const again = await orch('start');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('with ~/project.mcp.json');
    const after = await status();
    expect(after.config).toBe(config);
    expect(after.servers.map((s) => [s.name, s.state])).toEqual([['alpha', 'running'], ['beta', 'running']]);
    expect((await orch('shutdown')).code).toBe(0);

    const monitor = spawnOrch(['monitor'], env);
    await waitForOutput(monitor, /API on http/);
    expect((await status()).config).toBe(config);
    monitor.kill('SIGINT');
    expect(await exitOf(monitor)).toBe(0);
  });

  it('after a kill -9 of the daemon, a plain orch start uses it too, and no server runs twice', async () => {
    const { config, orch, status, daemonPid } = setup();
    expect((await orch('start', '--config', config)).code).toBe(0);
    const before = await status();
    const killed = daemonPid();
    process.kill(killed, 'SIGKILL');
    await eventually(() => !isAlive(killed), 5_000, 'the daemon to die');

    const again = await orch('start');
    expect(again.code, again.stderr).toBe(0);
    const after = await status();
    expect(after.config).toBe(config);
    expect(after.servers.map((s) => [s.name, s.state])).toEqual([['alpha', 'running'], ['beta', 'running']]);
    for (const { pid } of before.servers) expect(isAlive(pid!), `old server ${pid}`).toBe(false);
  });

  it('with no remembered file and no ~/.mcp.json, orch start says which file it looked for', async () => {
    const { orch } = setup();
    const result = await orch('start');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('orch: ~/.mcp.json: no such file (pass --config PATH)');
  });
});
