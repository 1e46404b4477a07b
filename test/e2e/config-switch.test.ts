/**
 * The CLI's side of which config a running daemon uses: `orch start --config OTHER` switches it and
 * says so, `orch status` names the file, and start and restart say which servers they acted on.
 */
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest, type Sandbox } from '../support/cli.js';
import { FIXTURE } from '../support/orchestrator.js';

interface StatusJson {
  config: string;
  servers: { name: string; state: string }[];
}

const newSandbox = sandboxPerTest();
let sandbox: Sandbox | undefined;

const QUICK_STOP = { defaults: { stop: { graceMs: 200, killTimeoutMs: 1000 } } };
const server = () => ({ command: process.execPath, args: [FIXTURE] });

function setup() {
  sandbox = newSandbox();
  const orch = (...args: string[]) => runOrch(args, sandbox!.env);
  const status = async () => {
    const result = await orch('status', '--json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as StatusJson;
  };
  const states = async () => (await status()).servers.map((s) => [s.name, s.state]);
  return { sandbox, orch, status, states };
}

describe('the config a running daemon uses', () => {
  it('orch start --config OTHER switches the daemon, says so, and status names the file', async () => {
    const { sandbox, orch, status, states } = setup();
    const first = sandbox.writeConfig({ mcpServers: { one: server(), both: server() }, orchestrator: QUICK_STOP }, 'first.json');
    const other = sandbox.writeConfig({ mcpServers: { two: server(), both: server() }, orchestrator: QUICK_STOP }, 'other.json');
    expect((await orch('start', '--config', first)).code).toBe(0);
    expect((await orch('status')).stdout.split('\n')[0]).toBe(`config: ${first}`);
    expect((await status()).config).toBe(first);

    const switched = await orch('start', '--config', other);
    expect(switched.code, switched.stderr).toBe(0);
    const [heading, ...changes] = switched.stdout.split('\nstarting ')[0]!.split('\n');
    expect(heading).toBe(`switched the daemon to ${other}:`);
    expect(changes).toHaveLength(2);
    expect(changes).toEqual(expect.arrayContaining([expect.stringMatching(/^- one\s+removed$/), expect.stringMatching(/^\+ two\s+added\b/)]));
    // Then started as usual: the servers of the new file, not the one being removed.
    expect(switched.stdout).toMatch(/^starting two, both$/m);
    expect((await status()).config).toBe(other);
    expect(await states()).toEqual([['two', 'running'], ['both', 'running']]);
    expect((await orch('status')).stdout.split('\n')[0]).toBe(`config: ${other}`);

    // The file it already runs: nothing to switch.
    const again = await orch('start', '--config', other);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/switched/);
  });

  it("a new daemon's own start waits for servers held by dependsOn, and says what it started", async () => {
    const { sandbox, orch, states } = setup();
    const config = sandbox.writeConfig({
      mcpServers: {
        db: { command: process.execPath, args: [FIXTURE, '--init-delay=800'] },
        app: server(),
        off: { ...server(), disabled: true },
      },
      orchestrator: { ...QUICK_STOP, servers: { app: { dependsOn: ['db'] } } },
    });
    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^started with the daemon: db, app$/m);
    expect(await states()).toEqual([['db', 'running'], ['app', 'running'], ['off', 'disabled']]);
  });

  it('start @group on a new daemon starts the group only; restart says what it restarted', async () => {
    const { sandbox, orch, states } = setup();
    const config = sandbox.writeConfig({
      mcpServers: { a: server(), b: server(), c: server() },
      orchestrator: { ...QUICK_STOP, groups: { dev: ['a', 'b'] } },
    });
    const started = await orch('start', '@dev', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^starting a, b$/m);
    expect(await states()).toEqual([['a', 'running'], ['b', 'running'], ['c', 'stopped']]);

    const restarted = await orch('restart', '@dev');
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/^restarting a, b$/m);
  });
});
