/** `all`, `--json`, status filters and exit codes, against a real daemon with one server that cannot start. */
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest } from '../support/cli.js';
import { FIXTURE } from '../support/orchestrator.js';

interface ServerJson {
  name: string;
  state: string;
  pid: number | null;
  lastPingMs: number | null;
}
interface Acted {
  acted: string[];
  notes: string[];
  servers: ServerJson[];
}

const newSandbox = sandboxPerTest();

describe('orch verbs for scripts', () => {
  it('a partial start exits 3; all, --json, status NAME…, health and shutdown as scripts use them', async () => {
    const sandbox = newSandbox();
    const config = sandbox.writeConfig({
      mcpServers: {
        alpha: { command: process.execPath, args: [FIXTURE] },
        beta: { command: process.execPath, args: [FIXTURE] },
        broken: { command: '/nonexistent/orch-no-such-command' },
      },
      orchestrator: { defaults: { health: { intervalMs: 300 }, stop: { graceMs: 100, killTimeoutMs: 1000 } } },
    });
    const orch = (...args: string[]) => runOrch(args, sandbox.env);
    const json = <T>(stdout: string) => JSON.parse(stdout) as T;
    const states = (servers: ServerJson[]) => servers.map((s) => [s.name, s.state]);

    const started = await orch('start', '--config', config, '--json');
    expect(started.code, started.stderr).toBe(3);
    expect(started.stderr).toMatch(/^orch daemon started \(pid \d+\)/);
    expect(started.stderr).toMatch(/orch: a server did not start: broken \(crashed: .*\)\n$/);
    const start = json<Acted>(started.stdout);
    expect(start.acted).toEqual(['alpha', 'beta', 'broken']);
    expect(states(start.servers)).toEqual([['alpha', 'running'], ['beta', 'running'], ['broken', 'crashed']]);

    const one = await orch('status', 'beta', '--server', 'alpha', '--json');
    expect(states(json<{ servers: ServerJson[] }>(one.stdout).servers)).toEqual([['alpha', 'running'], ['beta', 'running']]);
    const unknown = await orch('status', 'gamma');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('orch: unknown server gamma (known: alpha, beta, broken)\n');

    const stopped = await orch('stop', 'all', '--json');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(states(json<Acted>(stopped.stdout).servers)).toEqual([['alpha', 'stopped'], ['beta', 'stopped'], ['broken', 'stopped']]);
    const table = await orch('status', 'all');
    expect(table.stdout).toMatch(/alpha\s+○ stopped\s+–\s+–\s+0\s+–\s+–\s+–\n/);

    const restarted = await orch('restart', '--json');
    expect(restarted.code).toBe(1);
    expect(restarted.stderr).toMatch(/^orch: a server did not restart: broken/);
    const restart = json<Acted>(restarted.stdout);
    expect(states(restart.servers)).toEqual([['alpha', 'running'], ['beta', 'running'], ['broken', 'crashed']]);
    expect(restart.servers[0]!.pid).toBeGreaterThan(0);

    const health = await orch('health', '--json');
    const daemon = json<{ pid: number; config: string; rssBytes: number; eventLoopDelay: { p99Ms: number } }>(health.stdout);
    expect(daemon.config).toBe(config);
    expect(daemon.rssBytes).toBeGreaterThan(0);

    const shutdown = await orch('shutdown', '--json');
    expect(json(shutdown.stdout)).toEqual({ stopped: true, pid: daemon.pid });
    const again = await orch('shutdown');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^no orch daemon is running for /);
  });
});
