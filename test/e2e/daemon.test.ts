/** The daemon and the CLI as a user drives them: a real daemon in a temporary ORCH_HOME on port 0. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAEMON_RUNNING_EXIT } from '../../src/cli/launch.js';
import { exitOf, runOrch, sandboxPerTest, spawnOrch, waitForOutput, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

interface StatusJson {
  servers: { name: string; state: string; pid: number | null; restarts: number; uptimeMs: number | null; lastError: string | null }[];
}

const newSandbox = sandboxPerTest();
let sandbox: Sandbox | undefined;

function setup() {
  sandbox = newSandbox();
  const config = sandbox.writeConfig({
    mcpServers: {
      // Both outlive a closed stdin, as many real servers do: a dead daemon leaves them running.
      alpha: {
        command: process.execPath,
        args: [FIXTURE, '--stderr-every=100', '--grandchildren=1', '--ignore-stdin-close'],
        env: { API_KEY: 'sk-secret-value-123' },
      },
      beta: { command: process.execPath, args: [FIXTURE, '--ignore-stdin-close'] },
    },
    orchestrator: { defaults: { health: { intervalMs: 500 }, stop: { graceMs: 200, killTimeoutMs: 1000 } } },
  });
  const env = sandbox.env;
  const orch = (...args: string[]) => runOrch(args, env);
  const status = async () => {
    const result = await orch('status', '--json');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const server = async (name: string) => (await status()).servers.find((s) => s.name === name)!;
  const daemon = () => JSON.parse(readFileSync(join(sandbox!.home, 'daemon.json'), 'utf8')) as { pid: number; port: number };
  return { sandbox, config, env, orch, status, server, daemon };
}

describe('orch daemon and CLI', () => {
  it('start → running, restart gives a new pid, stop → stopped, shutdown leaves nothing behind', async () => {
    const { config, orch, status, server, daemon } = setup();
    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/orch daemon started \(pid \d+\)/);

    const first = await status();
    expect(first.servers.map((s) => [s.name, s.state])).toEqual([['alpha', 'running'], ['beta', 'running']]);
    expect(Object.keys(first.servers[0]!).sort()).toEqual(
      ['cpuPercent', 'lastError', 'lastPingMs', 'memoryBytes', 'name', 'pid', 'restarts', 'state', 'uptimeMs'].sort(),
    );
    const { port, pid: daemonPid } = daemon();
    expect(port).toBeGreaterThan(0);
    const tokenMode = (await import('node:fs')).statSync(join(sandbox!.home, 'token')).mode & 0o777;
    expect(tokenMode).toBe(0o600);

    const token = readFileSync(join(sandbox!.home, 'token'), 'utf8').trim();
    const detail = await fetch(`http://127.0.0.1:${port}/api/servers/alpha`, { headers: { authorization: `Bearer ${token}` } });
    const detailText = await detail.text();
    expect(JSON.parse(detailText).server.envNames).toEqual(['API_KEY']);
    expect(detailText).not.toContain('sk-secret-value-123');
    expect(readFileSync(join(sandbox!.home, 'orchestrator.log'), 'utf8')).not.toContain('sk-secret-value-123');

    const oldPid = first.servers[0]!.pid!;
    expect((await orch('restart', 'alpha')).code).toBe(0);
    const restarted = await server('alpha');
    expect(restarted.state).toBe('running');
    expect(restarted.pid).not.toBe(oldPid);

    expect((await orch('stop', '--server', 'beta')).code).toBe(0);
    expect((await server('beta')).state).toBe('stopped');

    const table = await orch('status');
    expect(table.stdout).toMatch(/alpha\s+● running/);
    expect(table.stdout).toMatch(/beta\s+○ stopped/);

    const alphaPid = restarted.pid!;
    const grandchild = Number(/grandchild (\d+)/.exec((await orch('logs', 'alpha', '-n', '1000')).stdout)?.[1]);
    expect(grandchild).toBeGreaterThan(0);
    const shutdown = await orch('shutdown');
    expect(shutdown.code, shutdown.stderr).toBe(0);
    for (const pid of [daemonPid, alphaPid, grandchild]) await eventually(() => !isAlive(pid), 5_000, `pid ${pid} gone`);
    const after = await orch('status');
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/no orch daemon is running.*orch start/);
  });

  it('an unknown name exits 1 and lists the known names', async () => {
    const { config, orch } = setup();
    expect((await orch('start', '--config', config)).code).toBe(0);
    for (const verb of ['start', 'stop', 'restart', 'logs']) {
      const result = await orch(verb, 'gamma');
      expect(result.code, verb).toBe(1);
      expect(result.stderr.trim()).toBe('orch: unknown server gamma (known: alpha, beta)');
    }
  });

  it('start NAME with no daemon: the daemon it launches starts that server alone; an unknown name fails alike and leaves the daemon up', async () => {
    const { config, orch, status, daemon } = setup();
    const unknown = await orch('start', 'gamma', '--config', config);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/^orch daemon started \(pid \d+\)/);
    expect(unknown.stderr.trim()).toBe('orch: unknown server gamma (known: alpha, beta)');
    const { pid } = daemon();
    expect((await status()).servers.map((s) => s.state)).toEqual(['stopped', 'stopped']);

    expect((await orch('shutdown')).code).toBe(0);
    await eventually(() => !isAlive(pid), 5_000, 'the first daemon gone');
    const started = await orch('start', 'beta', '--config', config, '--json');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toMatch(/^orch daemon started/);
    const answer = JSON.parse(started.stdout) as { acted: string[]; notes: string[]; servers: { name: string; state: string }[] };
    expect(answer).toMatchObject({ acted: ['beta'], notes: [], servers: [{ name: 'beta', state: 'running' }] });
    expect((await status()).servers.map((s) => [s.name, s.state])).toEqual([['alpha', 'stopped'], ['beta', 'running']]);
  });

  it('logs -f shows a line the server writes to stderr after it started following', async () => {
    const { config, orch, env } = setup();
    expect((await orch('start', 'alpha', '--config', config)).code).toBe(0);
    const follow = spawnOrch(['logs', 'alpha', '-f', '-n', '0'], env);
    const [, tick] = await waitForOutput(follow, /fixture: tick (\d+)/);
    const next = Number(tick) + 1;
    await waitForOutput(follow, new RegExp(`fixture: tick ${next}`));
    follow.kill('SIGINT');
    expect(await exitOf(follow)).toBe(0);
  });

  it('a second daemon for the same ORCH_HOME refuses; monitor attaches instead', async () => {
    const { config, orch, env, daemon } = setup();
    expect((await orch('start', '--config', config)).code).toBe(0);
    const second = await orch('daemon', '--config', config);
    expect(second.code).toBe(DAEMON_RUNNING_EXIT);
    expect(second.stderr).toMatch(new RegExp(`already running .*pid ${daemon().pid}`));

    const monitor = spawnOrch(['monitor'], env);
    await waitForOutput(monitor, /attached to the orch daemon/);
    expect((await orch('restart', 'beta')).code).toBe(0);
    await waitForOutput(monitor, /beta\s+running → stopping\s+restart requested/);
    monitor.kill('SIGINT');
    expect(await exitOf(monitor)).toBe(0);
    expect((await orch('status')).code).toBe(0);
  });

  it('after kill -9 of the daemon, a new one ends the old groups first: no server runs twice', async () => {
    const { config, orch, status, daemon } = setup();
    expect((await orch('start', '--config', config)).code).toBe(0);
    const before = await status();
    const oldPids = before.servers.map((s) => s.pid!);
    const grandchild = Number(/grandchild (\d+)/.exec((await orch('logs', 'alpha', '-n', '1000')).stdout)?.[1]);
    process.kill(daemon().pid, 'SIGKILL');
    await eventually(() => !isAlive(daemon().pid), 5_000, 'the daemon to die');
    // alpha may die of EPIPE on its stderr; quiet beta and alpha's grandchild are left running.
    expect(isAlive(oldPids[1]!)).toBe(true);
    expect(isAlive(grandchild)).toBe(true);

    const again = await orch('start', '--config', config);
    expect(again.code, again.stderr).toBe(0);
    for (const pid of [...oldPids, grandchild]) expect(isAlive(pid), `old process ${pid}`).toBe(false);
    const after = await status();
    expect(after.servers.map((s) => s.state)).toEqual(['running', 'running']);
    expect(after.servers.some((s) => oldPids.includes(s.pid!))).toBe(false);
    expect(readFileSync(join(sandbox!.home, 'orchestrator.log'), 'utf8')).toMatch(/ended process group \d+ of beta/);
  });

  it('remembers which servers were stopped: after shutdown, start runs the same set', async () => {
    const { config, orch, status } = setup();
    expect((await orch('start', '--config', config)).code).toBe(0);
    expect((await orch('stop', 'beta')).code).toBe(0);
    expect((await orch('shutdown')).code).toBe(0);
    expect((await orch('start', '--config', config)).code).toBe(0);
    expect((await status()).servers.map((s) => [s.name, s.state])).toEqual([['alpha', 'running'], ['beta', 'stopped']]);
  });

  it('a usage mistake exits 2', async () => {
    const { orch } = setup();
    expect((await orch('status', '--bogus')).code).toBe(2);
    const port = await orch('start', '--port', 'abc');
    expect(port.code).toBe(2);
    expect(port.stderr).toBe('orch: --port: expected a port number from 0 to 65535, got "abc"\n');
  });

  it('start with a bad config: the daemon it launched says why, one line in the terminal, exit 1', async () => {
    const { sandbox, orch } = setup();
    const config = sandbox.writeConfig({ mcpServers: { broken: { args: 'not-a-list' } } }, 'bad.json');
    for (const names of [[], ['broken']]) {
      const result = await orch('start', ...names, '--config', config);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^orch: .*bad\.json.*mcpServers\.broken/);
    }
    expect((await orch('status')).code).toBe(1);
  });
});
