/** `orch monitor` as a user runs it: transitions on the terminal, Ctrl-C stops everything, mistakes exit cleanly. */
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, exitOf, runOrch, spawnOrch, waitForOutput, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.remove();
  sandbox = undefined;
});

describe('orch monitor', () => {
  it('prints each transition and on SIGINT stops every server, then exits 0', async () => {
    sandbox = createSandbox();
    const config = sandbox.writeConfig({
      mcpServers: {
        good: { command: process.execPath, args: [FIXTURE] },
        forks: { command: process.execPath, args: [FIXTURE, '--grandchildren=2'] },
      },
    });
    const monitor = spawnOrch(['monitor', '--config', config], sandbox.env);
    await waitForOutput(monitor, /good\s+starting → running/);
    await waitForOutput(monitor, /forks\s+starting → running/);

    const pids = [...monitor.output().matchAll(/pid (\d+) ready/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    monitor.kill('SIGINT');
    expect(await exitOf(monitor)).toBe(0);
    expect(monitor.output()).toMatch(/good\s+running → stopping/);
    expect(monitor.output()).toMatch(/every server is stopped/);
    for (const pid of pids) await eventually(() => !isAlive(pid), 2_000, `pid ${pid} to be gone`);
  });

  it('a bad config is one line naming the file and the path, exit 1', async () => {
    sandbox = createSandbox();
    const config = sandbox.writeConfig({ mcpServers: { broken: { args: 'not-a-list' } } }, 'bad.json');
    const result = await runOrch(['monitor', '--config', config], sandbox.env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/bad\.json/);
    expect(lines[0]).toMatch(/mcpServers\.broken/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a missing config file says so, exit 1', async () => {
    sandbox = createSandbox();
    const result = await runOrch(['monitor', '--config', '/nonexistent/mcp.json'], sandbox.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\/nonexistent\/mcp\.json/);
  });

  it('an unknown command is a usage error, exit 2', async () => {
    sandbox = createSandbox();
    const result = await runOrch(['frobnicate'], sandbox.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
