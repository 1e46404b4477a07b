/**
 * `$ORCH_HOME` on a filesystem that fills up (a small tmpfs, so as root only): supervision goes on,
 * no process escapes supervision, and state is written again once there is room. Elsewhere the mount
 * is not allowed, and the same guarantees are covered by the unit tests of the state and log files.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDaemon } from '../../src/cli/client.js';
import { resolveHome } from '../../src/home.js';
import { findMarked, ownerForHome, ownerOf, serverMark } from '../../src/os/marked.js';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';

let sandbox: Sandbox | undefined;
let mounted: string | undefined;
afterEach(async () => {
  if (sandbox) {
    await runOrch(['shutdown'], sandbox.env).catch(() => undefined);
    for (const pid of findMarked((mark) => ownerOf(mark) === ownerForHome(sandbox!.home))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
  if (mounted) execFileSync('umount', ['-l', mounted]);
  sandbox?.remove();
  sandbox = undefined;
  mounted = undefined;
});

interface Status {
  servers: { name: string; state: string; pid: number | null }[];
}
interface Health {
  storage: { path: string; error: string }[];
}

/** Fills the filesystem to the last byte: writes until ENOSPC. */
function fill(path: string): void {
  const block = Buffer.alloc(64 * 1024);
  for (let i = 0; ; i++) {
    try {
      writeFileSync(path, block, { flag: 'a' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
  }
}

describe.skipIf(!isRoot)('a full disk under $ORCH_HOME', () => {
  it('keeps supervising, loses track of no process, and writes state again once freed', async () => {
    sandbox = createSandbox();
    const home = sandbox.home;
    mkdirSync(home, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=5m', 'tmpfs', home]);
    mounted = home;
    const fast = {
      health: { intervalMs: 300, timeoutMs: 500 },
      restart: { minUptimeMs: 100 },
      stop: { graceMs: 100, killTimeoutMs: 500 },
    };
    const config = sandbox.writeConfig({
      mcpServers: Object.fromEntries(
        ['a', 'b', 'c'].map((name) => [name, { command: process.execPath, args: [FIXTURE, '--ignore-stdin-close'] }]),
      ),
      orchestrator: { defaults: fast },
    });
    const env = sandbox.env;
    const orch = async (...args: string[]) => {
      const result = await runOrch(args, env);
      expect(result.code, `orch ${args.join(' ')}: ${result.stderr}`).toBe(0);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      return result;
    };
    const status = async () => JSON.parse((await orch('status', '--json')).stdout) as Status;
    const pids = async () => Object.fromEntries((await status()).servers.map((s) => [s.name, s.pid]));
    const daemon = () => JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; port: number };
    const health = () => connectDaemon(resolveHome(env)).request<Health>('GET', '/api/health');
    const owner = ownerForHome(home);
    /** Every process of a server that is a group leader: more than one means a duplicate. */
    const leaders = (name: string) => findMarked((mark) => mark === serverMark(owner, name)).filter((pid) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pid;
    });

    await orch('start', '--config', config);
    const before = await pids();
    const filler = join(home, 'filler');
    fill(filler);

    await orch('restart', 'a');
    const afterRestart = await pids();
    expect(afterRestart.a).not.toBe(before.a);
    expect(afterRestart.b).toBe(before.b);
    expect(afterRestart.c).toBe(before.c);
    expect(isAlive(before.a!)).toBe(false);
    expect((await health()).storage.map((p) => p.path)).toContain(join(home, 'groups.json'));

    // The crash-restart path, three times over: each new copy replaces the old one, never joins it.
    for (let i = 0; i < 3; i++) {
      const current = (await pids()).a!;
      process.kill(current, 'SIGKILL');
      await eventually(() => leaders('a').length === 1 && !leaders('a').includes(current), 10_000, 'a new copy of a');
      await eventually(async () => (await status()).servers.find((s) => s.name === 'a')?.state === 'running', 10_000, 'a running');
    }
    for (const name of ['a', 'b', 'c']) expect(leaders(name)).toHaveLength(1);

    const freedAt = Date.now();
    rmSync(filler);
    await eventually(async () => (await health()).storage.length === 0, 10_000, 'every file written again');
    const healedMs = Date.now() - freedAt;
    console.log(`full disk freed → every state file written again in ${healedMs} ms`);
    const groups = JSON.parse(readFileSync(join(home, 'groups.json'), 'utf8')) as { groups: { server: string; pgid: number }[] };
    expect(groups.groups.map((g) => [g.server, g.pgid]).sort()).toEqual(
      Object.entries(await pids()).map(([name, pid]) => [name, pid]).sort(),
    );

    // Full again, then the daemon dies: the next one still finds what it left (by the marker).
    fill(filler);
    await orch('restart', 'b');
    const orphan = (await pids()).b!;
    process.kill(daemon().pid, 'SIGKILL');
    rmSync(filler);
    await orch('start', '--config', config);
    await eventually(() => !isAlive(orphan), 5_000, 'the orphan of the dead daemon to be reaped');
    for (const name of ['a', 'b', 'c']) expect(leaders(name)).toHaveLength(1);

    await orch('shutdown');
    await eventually(() => findMarked((mark) => ownerOf(mark) === owner).length === 0, 5_000, 'nothing left running');
  }, 120_000);
});
