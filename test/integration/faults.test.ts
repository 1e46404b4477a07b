/**
 * Faults that must not break supervision, on real processes: floods of output, processes that leave
 * their group, servers that crash now and then, and state files that cannot be written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupRecorder } from '../../src/actors/process.actor.js';
import { connectDaemon } from '../../src/cli/client.js';
import { resolveHome } from '../../src/home.js';
import { residentBytes } from '../../src/os/proc.js';
import { createOrchestrator } from '../../src/system.js';
import { createConsola } from 'consola';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';
import {
  bootOrchestrator,
  eventually,
  FIXTURE,
  fixture,
  isAlive,
  pidsFromLogs,
  type TestOrchestrator,
} from '../support/orchestrator.js';

let orch: TestOrchestrator | undefined;
let dir: string | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await orch?.shutdown();
  orch = undefined;
  if (sandbox) {
    await runOrch(['shutdown'], sandbox.env);
    sandbox.remove();
  }
  sandbox = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const MB = 1024 * 1024;

/** 0 once the process is gone: a sampler still ticking after a failed test must not throw. */
const rssOf = (pid: number) => residentBytes(pid) ?? 0;

describe('output floods', () => {
  it("a 300 MB stderr flood is read as fast as it comes, with the daemon's memory and disk bounded", async () => {
    sandbox = createSandbox();
    const config = sandbox.writeConfig({
      mcpServers: { flood: { command: process.execPath, args: [FIXTURE, `--stderr-flood=${300 * MB}`, '--flood-delay=2000'] } },
    });
    const orch = (...args: string[]) => runOrch(args, sandbox!.env);
    expect((await orch('start', '--config', config)).code).toBe(0);
    const daemon = (JSON.parse(readFileSync(join(sandbox.home, 'daemon.json'), 'utf8')) as { pid: number }).pid;
    const before = rssOf(daemon);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(daemon))), 20);
    // The daemon's in-memory tail keeps the last line whatever the disk could take (orch logs reads the files).
    const client = connectDaemon(resolveHome(sandbox.env));
    const tail = async () =>
      (await client.request<{ lines: { text: string }[] }>('GET', '/api/servers/flood/logs?tail=5')).lines.map((line) => line.text).join('\n');
    try {
      await eventually(async () => /fixture: flood of \d+ bytes done/.test(await tail()), 60_000, 'the flood to be read to its end');
    } finally {
      clearInterval(sampler);
    }
    expect(peak - before).toBeLessThan(96 * MB);
    await eventually(() => rssOf(daemon) - before < 64 * MB, 30_000, `RSS back within 64 MB (peak +${Math.round((peak - before) / MB)} MB)`);
    const status = JSON.parse((await orch('status', '--json')).stdout) as { servers: { state: string }[] };
    expect(status.servers[0]!.state).toBe('running');
    expect((await orch('shutdown')).code).toBe(0);
    // The disk is bounded too: rotated at 10 MB, five files kept, whatever was written.
    const logs = join(sandbox.home, 'logs');
    const files = readdirSync(logs).filter((name) => name.startsWith('flood.log'));
    expect(files.sort()).toEqual(['flood.log', 'flood.log.1', 'flood.log.2', 'flood.log.3', 'flood.log.4']);
    for (const name of files) expect(statSync(join(logs, name)).size).toBeLessThan(11 * MB);
  }, 120_000);

  it('a stdout flood of noise is drained too, and the server keeps answering', async () => {
    orch = bootOrchestrator([fixture('noisy', [`--stdout-flood=${100 * MB}`])]);
    orch.start();
    await orch.waitForState('noisy', 'running');
    await eventually(
      () => orch!.logs.tail('noisy').some((line) => /^fixture: flood of \d+ bytes done/.test(line.text)),
      60_000,
      'the flood to be read to its end',
    );
    const pings = orch.snapshot('noisy').context.probeSeq;
    await eventually(() => orch!.snapshot('noisy').context.probeSeq >= pings + 2, 5_000, 'two more checks');
    expect(orch.snapshot('noisy').context.consecutiveFailures).toBe(0);
  }, 90_000);
});

describe('processes that leave the process group', () => {
  const named = (orch: TestOrchestrator, name: string) =>
    pidsFromLogs(orch, name, /^pid (\d+) left the process group; it is still counted and will be stopped$/);
  /**
   * The lasting escapee named in the log. The double fork's middle process leaves the group too and
   * may be caught by a sample in the instant before it exits, so it can be named as well.
   */
  const escapeeOf = async (orch: TestOrchestrator, name: string, except: number[] = []) => {
    let found: number | undefined;
    await eventually(
      () => (found = named(orch, name).find((pid) => !except.includes(pid) && isAlive(pid))) !== undefined,
      10_000,
      'the escapee to be found',
    );
    return found!;
  };

  it('are found, named once, counted, and ended on stop', async () => {
    orch = bootOrchestrator([fixture('leaky', ['--escapee'])]);
    orch.start();
    await orch.waitForState('leaky', 'running');
    const escapee = await escapeeOf(orch, 'leaky');
    expect(isAlive(escapee)).toBe(true);
    await eventually(() => (orch!.status('leaky').processes ?? 0) >= 2, 5_000, 'the escapee to be counted');
    orch.stop(['leaky']);
    await orch.waitForState('leaky', 'stopped');
    await eventually(() => !isAlive(escapee), 2_000, 'the escapee to be ended');
    const names = named(orch, 'leaky');
    expect(names).toContain(escapee);
    expect(new Set(names).size).toBe(names.length);
  });

  it('are ended on restart and on shutdown', async () => {
    orch = bootOrchestrator([fixture('leaky', ['--escapee'])]);
    orch.start();
    await orch.waitForState('leaky', 'running');
    const first = await escapeeOf(orch, 'leaky');
    const pid = orch.snapshot('leaky').context.pid;
    orch.restart(['leaky']);
    await eventually(() => orch!.snapshot('leaky').context.pid !== pid, 5_000, 'a new process');
    await eventually(() => !isAlive(first), 2_000, 'the first escapee to be ended by the restart');
    await orch.waitForState('leaky', 'running');
    const second = await escapeeOf(orch, 'leaky', [first]);
    await orch.shutdown();
    await eventually(() => !isAlive(second), 2_000, 'the second escapee to be ended by the shutdown');
  });
});

describe('servers that crash now and then', () => {
  it('are restarted every time once they ran past minUptimeMs, and never given up on', async () => {
    orch = bootOrchestrator([
      fixture('occasional', ['--exit-after-ready=300'], { restart: { maxRestarts: 1, minUptimeMs: 100, backoffMs: 10, maxBackoffMs: 20 } }),
    ]);
    orch.start();
    await eventually(() => orch!.snapshot('occasional').context.restarts >= 4, 10_000, 'four restarts');
    expect(orch.transitions.some((t) => t.server === 'occasional' && t.to === 'crashed')).toBe(false);
    expect(orch.transitions.find((t) => t.server === 'occasional' && t.to === 'backoff')?.reason).toBe(
      'exited with code 1; restart now (not counted: it ran over 100 ms)',
    );
  });
});

describe('state that cannot be recorded', () => {
  it('a group recorder that throws loses no process and touches no sibling', async () => {
    const failing: GroupRecorder = {
      spawned: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      released: () => {
        throw new Error('EROFS: read-only file system');
      },
    };
    const servers = [fixture('a'), fixture('b')];
    const raw = createOrchestrator({
      config: { path: '/test/config.json', port: 0, sampleIntervalMs: 500, servers, remote: [], groups: [], watch: false, webhooks: [] },
      logger: createConsola({ level: -999 }),
      groups: failing,
    });
    try {
      raw.start();
      // A failed start, restarted: the supervisor itself never fails, and every spawned process is ended.
      await eventually(() => raw.supervisor.getSnapshot().status === 'active' && raw.status('a').restarts >= 2, 10_000, 'restarts');
      const spawned = raw.logs.tail('a').flatMap((line) => /^spawned .* \(pid (\d+)\)$/.exec(line.text)?.[1] ?? []).map(Number);
      expect(spawned.length).toBeGreaterThanOrEqual(2);
      raw.stop();
      await eventually(() => ['a', 'b'].every((name) => ['stopped', 'crashed'].includes(raw.status(name).state)), 10_000, 'all to stop');
      for (const pid of spawned) await eventually(() => !isAlive(pid), 2_000, `pid ${pid} to be ended`);
      expect(raw.supervisor.getSnapshot().status).toBe('active');
    } finally {
      await raw.shutdown();
    }
  });
});

describe('log folder', () => {
  it('holds only server logs, whatever the servers are called', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-names-'));
    const home = resolveHome({ ORCH_HOME: dir });
    orch = bootOrchestrator([fixture('orchestrator'), fixture('x')], { home });
    orch.start();
    await orch.waitForState('orchestrator', 'running');
    await orch.waitForState('x', 'running');
    await orch.shutdown();
    expect(readdirSync(home.logsDir).sort()).toEqual(['orchestrator.log', 'x.log']);
  });
});
