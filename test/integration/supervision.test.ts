import { afterEach, describe, expect, it } from 'vitest';
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
afterEach(async () => {
  await orch?.shutdown();
  orch = undefined;
});

describe('supervising real processes', () => {
  it('brings a well-behaved legacy server to running, pings it, and stops it', async () => {
    orch = bootOrchestrator([fixture('good')]);
    orch.start();
    const running = await orch.waitForState('good', 'running');
    const { pid, protocol } = running.context;
    expect(pid).toBeGreaterThan(0);
    expect(protocol).toMatchObject({ generation: 'legacy', protocolVersion: '2025-11-25', serverInfo: { name: 'fixture' } });
    await eventually(() => orch!.snapshot('good').context.lastPingMs !== null, 5_000, 'a ping round trip');
    orch.stop(['good']);
    const stopped = await orch.waitForState('good', 'stopped');
    expect(stopped.context.reason).toMatch(/^stopped \(/);
    expect(isAlive(pid!)).toBe(false);
  });

  it('speaks the stateless 2026-07-28 protocol, using server/discover as the liveness check', async () => {
    orch = bootOrchestrator([fixture('modern', ['--protocol=2026'])]);
    orch.start();
    const running = await orch.waitForState('modern', 'running');
    expect(running.context.protocol).toMatchObject({ generation: '2026-07-28', protocolVersion: '2026-07-28' });
    await eventually(() => orch!.snapshot('modern').context.lastPingMs !== null, 5_000, 'a discover round trip');
    expect(orch.snapshot('modern').context.consecutiveFailures).toBe(0);
  });

  it('gives up on a server that crashes at start once the restart budget is spent', async () => {
    orch = bootOrchestrator([fixture('crasher', ['--crash-at-start'])]);
    orch.start();
    const crashed = await orch.waitForState('crasher', 'crashed');
    expect(crashed.context.restarts).toBe(3);
    expect(crashed.context.reason).toBe('exited with code 1 while starting: gave up after 3 restarts within 1 min');
    expect(orch.transitions.filter((t) => t.server === 'crasher' && t.to === 'starting')).toHaveLength(4);
    expect(orch.logs.tail('crasher').some((line) => line.text === 'fixture: crashing at start')).toBe(true);
  });

  it('exit code 78 is not restarted', async () => {
    orch = bootOrchestrator([fixture('misconfigured', ['--crash-at-start=78'])]);
    orch.start();
    const crashed = await orch.waitForState('misconfigured', 'crashed');
    expect(crashed.context.restarts).toBe(0);
  });

  it('accepts a slow start within start.timeoutMs', async () => {
    orch = bootOrchestrator([fixture('slow', ['--init-delay=800'], { start: { timeoutMs: 3_000 } })]);
    orch.start();
    const running = await orch.waitForState('slow', 'running');
    expect(running.context.restarts).toBe(0);
  });

  it('fails a start slower than start.timeoutMs and kills what it spawned', async () => {
    orch = bootOrchestrator([
      fixture('too-slow', ['--init-delay=10000'], { start: { timeoutMs: 500 }, restart: { maxRestarts: 0 } }),
    ]);
    orch.start();
    const starting = await orch.waitForState('too-slow', 'starting');
    await eventually(() => orch!.snapshot('too-slow').context.pid !== null, 2_000, 'a pid');
    const pid = orch.snapshot('too-slow').context.pid!;
    const crashed = await orch.waitForState('too-slow', 'crashed');
    expect(starting).toBeDefined();
    expect(crashed.context.lastError).toBe('no answer to the MCP handshake within 500 ms');
    await eventually(() => !isAlive(pid), 2_000, 'the slow server to be killed');
  });

  it('restarts a server that stops answering ping', async () => {
    orch = bootOrchestrator([fixture('mute', ['--stop-answering-after=1'])]);
    orch.start();
    const first = await orch.waitForState('mute', 'running');
    const unhealthy = await orch.waitForTransition((t) => t.to === 'unhealthy');
    expect(unhealthy.reason).toBe('ping timed out after 300 ms (1/2)');
    await orch.waitForTransition((t) => t.to === 'stopping' && t.reason === 'ping timed out after 300 ms (2/2): restarting');
    await orch.waitForTransition((t) => t.from === 'starting' && t.to === 'running' && t.time > unhealthy.time);
    const again = orch.snapshot('mute');
    expect(again.context.pid).not.toBe(first.context.pid);
    expect(again.context.restarts).toBe(1);
    expect(isAlive(first.context.pid!)).toBe(false);
  });

  it('restarts a server frozen with SIGSTOP', async () => {
    orch = bootOrchestrator([fixture('frozen')]);
    orch.start();
    const { pid } = (await orch.waitForState('frozen', 'running')).context;
    process.kill(pid!, 'SIGSTOP');
    const unhealthy = await orch.waitForTransition((t) => t.to === 'unhealthy');
    await orch.waitForTransition((t) => t.from === 'starting' && t.to === 'running' && t.time > unhealthy.time);
    expect(orch.snapshot('frozen').context.pid).not.toBe(pid);
    await eventually(() => !isAlive(pid!), 2_000, 'the frozen process to go');
  });

  it('stops a server that ignores SIGTERM at the SIGKILL deadline, no later', async () => {
    orch = bootOrchestrator([fixture('stubborn', ['--ignore-sigterm', '--ignore-stdin-close'], { stop: { graceMs: 100, killTimeoutMs: 500 } })]);
    orch.start();
    const { pid } = (await orch.waitForState('stubborn', 'running')).context;
    const started = Date.now();
    orch.stop(['stubborn']);
    const stopped = await orch.waitForState('stubborn', 'stopped');
    const took = Date.now() - started;
    expect(stopped.context.reason).toBe('stopped (killed by SIGKILL)');
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(1_500);
    expect(isAlive(pid!)).toBe(false);
    expect(orch.logs.tail('stubborn').some((line) => line.text === 'fixture: ignoring SIGTERM')).toBe(true);
  });

  it('stops the whole process group, grandchildren included', async () => {
    orch = bootOrchestrator([fixture('forker', ['--grandchildren=3'])]);
    orch.start();
    await orch.waitForState('forker', 'running');
    // A server writing steadily has its stderr read a tick at a time.
    await eventually(() => pidsFromLogs(orch!, 'forker', /^fixture: grandchild (\d+)$/).length === 3, 2_000, 'three grandchildren');
    const grandchildren = pidsFromLogs(orch, 'forker', /^fixture: grandchild (\d+)$/);
    expect(grandchildren.every(isAlive)).toBe(true);
    orch.stop(['forker']);
    await orch.waitForState('forker', 'stopped');
    await eventually(() => grandchildren.every((pid) => !isAlive(pid)), 2_000, 'every grandchild to go');
  });

  it('sees an exit at once even while a grandchild keeps stdout open', async () => {
    orch = bootOrchestrator([fixture('holder', ['--grandchild-holds-stdout'], { restart: { maxRestarts: 0 } })]);
    orch.start();
    await orch.waitForState('holder', 'running');
    const crashed = await orch.waitForState('holder', 'crashed', 2_000);
    expect(crashed.context.lastExit).toEqual({ code: 3, signal: null });
    const [grandchild] = pidsFromLogs(orch, 'holder', /^fixture: grandchild (\d+) holds stdout$/);
    await eventually(() => !isAlive(grandchild!), 2_000, 'the stdout-holding grandchild to be killed');
  });

  it('a command that does not exist is crashed at once, naming the PATH it searched', async () => {
    const missing = {
      ...fixture('missing', [], { restart: { maxRestarts: 5 } }),
      command: 'orch-no-such-command',
      env: { PATH: '/nowhere/bin:/usr/bin' },
    };
    orch = bootOrchestrator([missing]);
    orch.start();
    const crashed = await orch.waitForState('missing', 'crashed');
    expect(crashed.context.lastError).toBe('command not found: orch-no-such-command (ENOENT; searched PATH=/nowhere/bin:/usr/bin)');
    expect(crashed.context.reason).toBe(
      'command not found: orch-no-such-command (ENOENT; searched PATH=/nowhere/bin:/usr/bin): not restarting',
    );
    expect(crashed.context.restarts).toBe(0);
  });

  it('a command that is not executable is crashed at once', async () => {
    orch = bootOrchestrator([{ ...fixture('noexec', [], { restart: { maxRestarts: 5 } }), command: FIXTURE }]);
    orch.start();
    const crashed = await orch.waitForState('noexec', 'crashed');
    expect(crashed.context.lastError).toBe(`permission denied: ${FIXTURE} is not executable (EACCES)`);
    expect(crashed.context.restarts).toBe(0);
  });

  it('reports a working directory that does not exist', async () => {
    orch = bootOrchestrator([{ ...fixture('nowhere', [], { restart: { maxRestarts: 0 } }), cwd: '/no/such/dir' }]);
    orch.start();
    const crashed = await orch.waitForState('nowhere', 'crashed');
    expect(crashed.context.lastError).toBe('working directory does not exist: /no/such/dir');
  });

  it('counts non-JSON stdout lines as noise and keeps the server running', async () => {
    orch = bootOrchestrator([fixture('noisy', ['--noise'])]);
    orch.start();
    await orch.waitForState('noisy', 'running');
    await eventually(() => orch!.snapshot('noisy').context.noiseLines >= 3, 5_000, 'noise to be counted');
    expect(orch.snapshot('noisy').context.consecutiveFailures).toBe(0);
    expect(orch.logs.tail('noisy').some((l) => l.stream === 'stdout' && l.text.startsWith('fixture starting up'))).toBe(true);
    expect(orch.transitions.filter((t) => t.server === 'noisy').map((t) => t.to)).toEqual(['starting', 'running']);
  });

  it('survives a stdout line over 4 MiB and a stderr flood, with bounded memory', async () => {
    orch = bootOrchestrator([fixture('flood', [`--oversize-line=${5 * 1024 * 1024}`, `--stderr-flood=${20 * 1024 * 1024}`])]);
    const noise: string[] = [];
    orch.logs.subscribe((line) => line.stream === 'stdout' && noise.push(line.text));
    orch.start();
    await orch.waitForState('flood', 'running');
    await eventually(() => orch!.snapshot('flood').context.noiseLines >= 1, 5_000, 'the oversize line to count');
    const pings = orch.snapshot('flood').context.probeSeq;
    await eventually(() => orch!.snapshot('flood').context.probeSeq >= pings + 2, 5_000, 'two more checks');
    expect(orch.snapshot('flood').context.consecutiveFailures).toBe(0);
    expect(orch.logs.tail('flood').length).toBeLessThanOrEqual(1_000);
    expect(noise).toContain('(a line of 5242880 bytes, over the 4194304-byte limit, dropped)');
  });

  it('keeps each server stderr, timestamped, in its log', async () => {
    orch = bootOrchestrator([fixture('chatty', ['--stderr-every=50'])]);
    orch.start();
    await orch.waitForState('chatty', 'running');
    await eventually(() => orch!.logs.tail('chatty').some((l) => l.text === 'fixture: tick 3'), 5_000, 'stderr lines');
    const line = orch.logs.tail('chatty').find((l) => l.text === 'fixture: tick 3')!;
    expect(line.stream).toBe('stderr');
    expect(Math.abs(line.time - Date.now())).toBeLessThan(10_000);
  });

  it("logs a steadily writing server's last stderr lines before its exit", async () => {
    orch = bootOrchestrator([fixture('last-words', ['--stderr-every=20', '--exit-after-ready=400:3'], { restart: { maxRestarts: 0 } })]);
    orch.start();
    await orch.waitForState('last-words', 'crashed', 5_000);
    const texts = orch.logs.tail('last-words').map((l) => l.text);
    const exit = texts.findIndex((text) => /^process \d+ exited with code 3/.test(text));
    const ticks = texts.filter((text) => text.startsWith('fixture: tick ')).map((text) => Number(text.slice('fixture: tick '.length)));
    expect(ticks.length).toBeGreaterThan(5);
    // Every line, in order, none after the exit: the pipe was read to its end when the process went.
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i + 1));
    expect(texts.slice(exit + 1).some((text) => text.startsWith('fixture: tick '))).toBe(false);
  });

  it('shuts down every server in parallel and leaves no process behind', async () => {
    orch = bootOrchestrator([
      fixture('a', ['--grandchildren=1']),
      fixture('b', ['--ignore-sigterm', '--ignore-stdin-close']),
      fixture('c', ['--protocol=2026']),
    ]);
    orch.start();
    const pids = await Promise.all(['a', 'b', 'c'].map(async (name) => (await orch!.waitForState(name, 'running')).context.pid!));
    const grandchildren = pidsFromLogs(orch, 'a', /^fixture: grandchild (\d+)$/);
    const started = Date.now();
    await orch.shutdown();
    // In parallel: the stubborn one's SIGKILL deadline bounds the whole shutdown.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(orch.supervisor.getSnapshot().status).toBe('done');
    await eventually(() => [...pids, ...grandchildren].every((pid) => !isAlive(pid)), 2_000, 'every process to go');
    orch = undefined;
  });
});
