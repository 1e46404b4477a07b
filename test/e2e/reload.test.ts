/** `orch reload`, SIGHUP and `orchestrator.watch` on a real daemon, and `@group` through the CLI and the API. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE } from '../support/orchestrator.js';

const newSandbox = sandboxPerTest();
let sandbox: Sandbox | undefined;

interface Status {
  servers: { name: string; state: string; pid: number | null }[];
}

const server = (...args: string[]) => ({ command: process.execPath, args: [FIXTURE, ...args] });

function setup(orchestrator: Record<string, unknown> = {}) {
  sandbox = newSandbox();
  const write = (mcpServers: Record<string, unknown>, extra: Record<string, unknown> = orchestrator) =>
    sandbox!.writeConfig({ mcpServers, orchestrator: { defaults: { health: { intervalMs: 500 } }, ...extra } });
  const orch = (...args: string[]) => runOrch(args, sandbox!.env);
  const status = async () => JSON.parse((await orch('status', '--json')).stdout) as Status;
  const pids = async () => Object.fromEntries((await status()).servers.map((s) => [s.name, s.pid]));
  return { write, orch, status, pids, home: sandbox.home };
}

describe('reload', () => {
  it('applies an edit, one line a changed server; an invalid edit changes nothing and says why', async () => {
    const { write, orch, pids, status } = setup();
    const path = write({ keep: server(), edit: server(), drop: server() });
    expect((await orch('start', '--config', path)).code).toBe(0);
    const before = await pids();

    write({ keep: server(), edit: server('--noise'), add: server() });
    const reloaded = await orch('reload');
    expect(reloaded.code, reloaded.stderr).toBe(0);
    expect(reloaded.stdout).toMatch(/edit\s+restarted \(args changed\)/);
    expect(reloaded.stdout).toMatch(/add\s+added/);
    expect(reloaded.stdout).toMatch(/drop\s+removed/);
    expect(reloaded.stdout).not.toMatch(/keep/);
    await eventually(async () => {
      const servers = (await status()).servers;
      return servers.length === 3 && servers.every((s) => s.state === 'running');
    }, 15_000, 'the new set running');
    const after = await pids();
    expect(after.keep).toBe(before.keep);
    expect(after.edit).not.toBe(before.edit);
    expect(Object.keys(after)).toEqual(['keep', 'edit', 'add']);

    writeFileSync(path, '{ "mcpServers": { "keep": { "command": 42 } } }');
    const invalid = await orch('reload');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split('\n')).toHaveLength(1);
    expect(invalid.stderr).toMatch(/mcp\.json: mcpServers\.keep\.command: /);
    expect(await pids()).toEqual(after);
  });

  it('SIGHUP reloads too', async () => {
    const { write, orch, status, home } = setup();
    const path = write({ a: server() });
    expect((await orch('start', '--config', path)).code).toBe(0);
    write({ a: server(), b: server() });
    const { pid } = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGHUP');
    await eventually(async () => (await status()).servers.some((s) => s.name === 'b' && s.state === 'running'), 15_000, 'b to run');
  });

  it('with orchestrator.watch, an edit written by rename is picked up', async () => {
    const { write, orch, status } = setup({ watch: true });
    const path = write({ a: server() });
    expect((await orch('start', '--config', path)).code).toBe(0);
    // An editor's save: the new text goes to a temporary file that is renamed over the config.
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, JSON.stringify({ mcpServers: { a: server(), b: server() }, orchestrator: { watch: true } }));
    renameSync(temporary, path);
    await eventually(async () => (await status()).servers.some((s) => s.name === 'b' && s.state === 'running'), 15_000, 'b to run');
  });
});

describe('@group', () => {
  it('works on the CLI and the API, and the CLI says what it acted on', async () => {
    const { write, orch, status, home } = setup({ groups: { dev: ['a', 'b'] } });
    const path = write({ a: server(), b: server(), c: server() });
    expect((await orch('start', '--config', path)).code).toBe(0);
    const stopped = await orch('stop', '@dev');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(Object.fromEntries((await status()).servers.map((s) => [s.name, s.state]))).toEqual({ a: 'stopped', b: 'stopped', c: 'running' });

    const { port } = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { port: number };
    const token = readFileSync(join(home, 'token'), 'utf8').trim();
    const response = await fetch(`http://127.0.0.1:${port}/api/servers/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ names: ['@dev'] }),
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { acted: string[] }).acted).toEqual(['a', 'b']);
    await eventually(async () => (await status()).servers.every((s) => s.state === 'running'), 15_000, 'a and b to run');
  });
});
