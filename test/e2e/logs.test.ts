/** `orch logs` as a PM2 user drives it: from the files, with and without a daemon, interleaved, followed, flushed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest, spawnOrch, waitForOutput } from '../support/cli.js';
import { eventually, FIXTURE } from '../support/orchestrator.js';

const newSandbox = sandboxPerTest();

function setup() {
  const sandbox = newSandbox();
  const config = sandbox.writeConfig({
    mcpServers: {
      alpha: { command: process.execPath, args: [FIXTURE, '--stderr-every=50'] },
      missing: { command: 'orch-no-such-command-here' },
    },
    orchestrator: { defaults: { stop: { graceMs: 100, killTimeoutMs: 1000 } } },
  });
  const orch = (...args: string[]) => runOrch(args, sandbox.env);
  const logFile = (name: string) => join(sandbox.home, 'logs', `${name}.log`);
  const logText = (name: string) => {
    try {
      return readFileSync(logFile(name), 'utf8');
    } catch {
      return '';
    }
  };
  const start = async () => {
    const started = await orch('start', '--config', config);
    // 3: a partial start, since `missing` cannot be spawned.
    expect([0, 3], started.stderr).toContain(started.code);
    await eventually(() => /tick 3\b/.test(logText('alpha')) && logText('missing') !== '', 10_000, 'log lines');
  };
  return { sandbox, orch, start, logFile, logText };
}

describe('orch logs', () => {
  it('interleaves every server from the files, name-prefixed; a failed spawn has its reason in the log', async () => {
    const { orch, start } = setup();
    await start();
    const all = await orch('logs');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toMatch(/^alpha {3}\| \S+Z \[orch\] spawned /m);
    expect(all.stdout).toMatch(/^missing \| \S+Z \[orch\] command not found: orch-no-such-command-here/m);
    const times = all.stdout.trim().split('\n').map((line) => line.split(' | ')[1]!.slice(0, 24));
    expect(times).toEqual([...times].sort());

    const json = await orch('logs', 'alpha', '-n', '3', '--json');
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { server: string; time: string; stream: string });
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.server === 'alpha' && !Number.isNaN(Date.parse(line.time)))).toBe(true);

    expect((await orch('logs', 'alpha', '--since', '1h', '-n', '1000')).stdout).toMatch(/\[orch\] spawned/);
    expect((await orch('logs', 'alpha', '--since', '2099-01-01')).stdout).toBe('');
  });

  it('reads the files with no daemon running and after a daemon restart', async () => {
    const { orch, start } = setup();
    await start();
    expect((await orch('shutdown')).code).toBe(0);

    const alone = await orch('logs', 'alpha', '-n', '1000');
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stdout.match(/\[orch\] spawned/g)).toHaveLength(1);
    expect((await orch('logs')).stdout).toMatch(/^missing \| .*command not found/m);
    const unknown = await orch('logs', 'nosuch');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('orch: unknown server nosuch (known: alpha, missing)\n');
    expect((await orch('logs', 'alpha', '-n', 'x')).code).toBe(2);
    expect((await orch('logs', 'alpha', '--since', 'soon')).code).toBe(2);

    await start();
    expect((await orch('logs', 'alpha', '-n', '1000')).stdout.match(/\[orch\] spawned/g)).toHaveLength(2);
  });

  it('-f prints the tail, then new lines as they come, once each', async () => {
    const { sandbox, start } = setup();
    await start();
    const follower = spawnOrch(['logs', 'alpha', '-f', '-n', '2'], sandbox.env);
    try {
      const [, first] = await waitForOutput(follower, /tick (\d+)\b/);
      await waitForOutput(follower, new RegExp(`tick ${Number(first) + 5}\\b`));
      const numbers = [...follower.output().matchAll(/tick (\d+)\b/g)].map((match) => Number(match[1]));
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    } finally {
      follower.kill('SIGINT');
    }
    // Without a name, every server's new lines through one stream, prefixed.
    const everyone = spawnOrch(['logs', '-f', '-n', '0'], sandbox.env);
    try {
      await waitForOutput(everyone, /^alpha +\| \S+Z fixture: tick \d+/m);
    } finally {
      everyone.kill('SIGINT');
    }
  });

  it('--flush empties the files through the daemon, which keeps writing from the top; and with no daemon', async () => {
    const { orch, start, logFile, logText } = setup();
    await start();
    const flushed = await orch('logs', '--flush', 'alpha');
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.stdout).toBe('flushed the logs of alpha\n');
    // New lines arrive in the emptied file, never after a gap of old offsets (no NUL bytes).
    await eventually(() => /tick/.test(logText('alpha')), 10_000, 'new lines');
    const text = logText('alpha');
    expect(text).not.toContain('\0');
    expect(text).not.toContain('[orch] spawned');

    expect((await orch('shutdown')).code).toBe(0);
    expect((await orch('logs', '--flush')).stdout).toBe('flushed the logs of alpha, missing\n');
    expect(readFileSync(logFile('alpha'), 'utf8')).toBe('');
    expect((await orch('logs')).stdout).toBe('');
  });
});
