import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { resolvePolicy } from '../../src/config/policy.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { serverStateName } from '../../src/machines/server.state.js';
import type { ProcessCommand, ProcessReportEvent, ServerInput } from '../../src/machines/server.types.js';
import { createServerHarness, testSpec } from './server.harness.js';

describe('server machine: start', () => {
  it('starts stopped and spawns nothing until asked', () => {
    const h = createServerHarness();
    expect(h.state()).toBe('stopped');
    expect(h.fake.spawns).toBe(0);
  });

  it('goes stopped → starting → running once the server answers the handshake', () => {
    const h = createServerHarness();
    h.send({ type: 'server.start' });
    expect(h.state()).toBe('starting');
    expect(h.fake.spawns).toBe(1);
    h.spawned(4242);
    expect(h.context().pid).toBe(4242);
    h.ready();
    expect(h.state()).toBe('running');
    expect(h.context().reason).toBe('pid 4242 ready in 180 ms (memory-server 0.6.3, MCP 2025-11-25)');
    expect(h.context().protocol?.protocolVersion).toBe('2025-11-25');
  });

  it('treats no answer within start.timeoutMs as a failed start, to the millisecond', () => {
    const h = createServerHarness({ start: { timeoutMs: 30_000 } });
    h.send({ type: 'server.start' });
    h.spawned();
    h.advance(29_999);
    expect(h.state()).toBe('starting');
    h.advance(1);
    expect(h.context().lastError).toBe('no answer to the MCP handshake within 30000 ms');
    expect(h.fake.cleanups).toBe(1);
    // The first restart is immediate, so the clock has already moved it on to a new spawn.
    expect(h.state()).toBe('starting');
    expect(h.fake.spawns).toBe(2);
  });

  it('answering within the start timeout is a normal start', () => {
    const h = createServerHarness({ start: { timeoutMs: 1_000 } });
    h.send({ type: 'server.start' });
    h.advance(999);
    h.ready();
    expect(h.state()).toBe('running');
    h.advance(10_000);
    expect(h.state()).toBe('running');
  });

  it('a spawn error is a failed start with its reason', () => {
    const h = createServerHarness();
    h.send({ type: 'server.start' });
    h.report({ type: 'process.failed', error: 'command not found: nope (ENOENT)' });
    expect(h.state()).toBe('backoff');
    expect(h.context().lastError).toBe('command not found: nope (ENOENT)');
  });

  it('an exit before the handshake says so', () => {
    const h = createServerHarness();
    h.send({ type: 'server.start' });
    h.crash(2);
    expect(h.context().reason).toBe('exited with code 2 while starting; restart 1/3 now');
  });

  it('a rejected handshake is a failed start', () => {
    const h = createServerHarness();
    h.send({ type: 'server.start' });
    h.report({ type: 'mcp.failed', error: 'initialize: Unsupported protocol version (-32602)' });
    expect(h.state()).toBe('backoff');
    expect(h.context().lastError).toMatch(/^MCP handshake failed: initialize/);
  });

  it('a process actor that throws becomes a failed start, not an error of the machine', () => {
    const throwing = fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(() => {
      throw new Error('boom');
    });
    const actor = createActor(serverMachine.provide({ actors: { process: throwing } }), {
      clock: new SimulatedClock(),
      input: { spec: testSpec, policy: resolvePolicy() },
    });
    actor.start();
    actor.send({ type: 'server.start' });
    expect(actor.getSnapshot().status).toBe('active');
    expect(serverStateName(actor.getSnapshot())).toBe('backoff');
    expect(actor.getSnapshot().context.lastError).toBe('process actor failed: Error: boom');
  });
});

describe('server machine: health checks', () => {
  it('pings every intervalMs and records the latency', () => {
    const h = createServerHarness({ health: { intervalMs: 10_000 } });
    h.boot();
    h.advance(9_999);
    expect(h.fake.commands.filter((c) => c.type === 'probe.check')).toHaveLength(0);
    h.advance(1);
    const seq = h.lastProbeSeq();
    h.report({ type: 'probe.ok', seq, latencyMs: 0.4 });
    expect(h.state()).toBe('running');
    expect(h.context().lastPingMs).toBe(0.4);
    h.advance(10_000);
    expect(h.lastProbeSeq()).toBe(seq + 1);
  });

  it('counts failed checks 1/3, 2/3, then restarts on the third', () => {
    const h = createServerHarness({ health: { intervalMs: 10_000, timeoutMs: 5_000, failureThreshold: 3 } });
    h.boot();
    h.advance(10_000 + 4_999);
    expect(h.state()).toBe('running');
    h.advance(1);
    expect(h.state()).toBe('unhealthy');
    expect(h.context().reason).toBe('ping timed out after 5000 ms (1/3)');
    h.advance(15_000);
    expect(h.state()).toBe('unhealthy');
    expect(h.context().reason).toBe('ping timed out after 5000 ms (2/3)');
    h.advance(15_000);
    expect(h.state()).toBe('stopping');
    expect(h.context().reason).toBe('ping timed out after 5000 ms (3/3): restarting');
    expect(h.fake.commands.at(-1)).toEqual({ type: 'process.closeStdin' });
    h.crash(null, 'SIGTERM');
    expect(h.state()).toBe('backoff');
    expect(h.context().reason).toBe('ping timed out after 5000 ms (3/3); restart now (not counted: it ran over 10 s)');
    h.advance(0);
    expect(h.state()).toBe('starting');
    expect(h.fake.spawns).toBe(2);
    expect(h.context().restarts).toBe(1);
  });

  it('one good check brings an unhealthy server back to running and clears the count', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500 } });
    h.boot();
    h.advance(1_000);
    h.report({ type: 'probe.failed', seq: h.lastProbeSeq(), reason: 'ping failed: Internal error (-32603)' });
    expect(h.state()).toBe('unhealthy');
    expect(h.context().reason).toBe('ping failed: Internal error (-32603) (1/3)');
    h.advance(1_000);
    h.report({ type: 'probe.ok', seq: h.lastProbeSeq(), latencyMs: 12.3 });
    expect(h.state()).toBe('running');
    expect(h.context().consecutiveFailures).toBe(0);
    expect(h.context().reason).toBe('ping answered in 12 ms');
  });

  it('ignores a late answer to an earlier check', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500 } });
    h.boot();
    h.advance(1_000);
    const stale = h.lastProbeSeq();
    h.advance(500);
    expect(h.state()).toBe('unhealthy');
    h.advance(1_000);
    h.report({ type: 'probe.ok', seq: stale, latencyMs: 600 });
    expect(h.state()).toBe('unhealthy');
    h.report({ type: 'probe.ok', seq: h.lastProbeSeq(), latencyMs: 1 });
    expect(h.state()).toBe('running');
  });

  it('numbers checks as they are judged: an answer, a failure and a timeout each move the number on once', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500 } });
    h.boot();
    h.advance(1_000);
    const first = h.lastProbeSeq();
    h.report({ type: 'probe.ok', seq: first, latencyMs: 1 });
    // The same answer again is a duplicate, not a second good check.
    h.report({ type: 'probe.ok', seq: first, latencyMs: 1 });
    expect(h.context().probeSeq).toBe(first + 1);
    h.advance(1_000);
    expect(h.lastProbeSeq()).toBe(first + 1);
    h.report({ type: 'probe.failed', seq: first + 1, reason: 'ping failed' });
    h.advance(1_000 + 500);
    expect(h.context().probeSeq).toBe(first + 3);
    expect(h.context().consecutiveFailures).toBe(2);
  });

  it('names server/discover for a 2026-07-28 server', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500 } });
    h.send({ type: 'server.start' });
    h.ready('2026-07-28');
    h.advance(1_500);
    expect(h.context().reason).toBe('server/discover timed out after 500 ms (1/3)');
  });

  it('a threshold of 1 restarts from running at the first failure', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000, timeoutMs: 500, failureThreshold: 1 } });
    h.boot();
    h.advance(1_500);
    expect(h.state()).toBe('stopping');
  });
});

describe('server machine: resource thresholds', () => {
  const MB = 1024 ** 2;
  const limits = { health: { intervalMs: 10_000, timeoutMs: 500, cpuPercent: 90, memoryBytes: 100 * MB } };
  const sample = (memoryBytes: number, cpuPercent = 1) => ({ type: 'resources.sample' as const, cpuPercent, memoryBytes, processes: 2 });

  it('records every sample; within the limits nothing changes', () => {
    const h = createServerHarness(limits);
    h.boot();
    h.send(sample(50 * MB));
    expect(h.state()).toBe('running');
    expect(h.context().resources).toEqual({ cpuPercent: 1, memoryBytes: 50 * MB, processes: 2 });
  });

  it('a sample over the memory limit is a failed check naming the figure; the third restarts', () => {
    const h = createServerHarness(limits);
    h.boot();
    h.send(sample(150 * MB));
    expect(h.state()).toBe('unhealthy');
    expect(h.context().reason).toBe('memory 150 MB over the 100 MB limit (1/3)');
    h.send(sample(160 * MB));
    expect(h.context().reason).toBe('memory 160 MB over the 100 MB limit (2/3)');
    h.send(sample(170 * MB));
    expect(h.state()).toBe('stopping');
    expect(h.context().reason).toBe('memory 170 MB over the 100 MB limit (3/3): restarting');
  });

  it('CPU over its limit counts too, together with failed pings', () => {
    const h = createServerHarness({ health: { ...limits.health, intervalMs: 1_000 } });
    h.boot();
    h.advance(1_500);
    expect(h.context().reason).toBe('ping timed out after 500 ms (1/3)');
    h.send(sample(10 * MB, 97.4));
    expect(h.context().reason).toBe('CPU 97% over the 90% limit (2/3)');
  });

  it('a good ping does not clear the count while the latest sample is over a limit', () => {
    const h = createServerHarness({ health: { ...limits.health, intervalMs: 1_000 } });
    h.boot();
    h.send(sample(150 * MB));
    h.advance(1_000);
    h.report({ type: 'probe.ok', seq: h.lastProbeSeq(), latencyMs: 1 });
    expect(h.state()).toBe('unhealthy');
    expect(h.context().consecutiveFailures).toBe(1);
    h.send(sample(50 * MB));
    h.advance(1_000);
    h.report({ type: 'probe.ok', seq: h.lastProbeSeq(), latencyMs: 1 });
    expect(h.state()).toBe('running');
    expect(h.context().consecutiveFailures).toBe(0);
  });

  it('a new process starts with no figures', () => {
    const h = createServerHarness(limits);
    h.boot();
    h.send(sample(50 * MB));
    h.crash();
    expect(h.context().resources).toBeNull();
  });
});

describe('server machine: crashes, backoff and the restart budget', () => {
  it('grows the backoff 0, 1 s, 2 s, 4 s … and caps it at maxBackoffMs', () => {
    const h = createServerHarness({
      restart: { maxRestarts: 10, backoffMs: 1_000, maxBackoffMs: 4_000, windowMs: 10_000_000 },
    });
    h.boot();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.crash(1);
      expect(h.state()).toBe('backoff');
      delays.push(h.context().recovery.nextDelayMs);
      h.advance(Math.max(0, h.context().recovery.nextDelayMs - 1));
      if (h.context().recovery.nextDelayMs > 0) expect(h.state()).toBe('backoff');
      h.advance(1);
      expect(h.state()).toBe('starting');
      h.ready();
    }
    expect(delays).toEqual([0, 1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  it('goes to crashed after more than maxRestarts restarts within the window, and spawns no more', () => {
    const h = createServerHarness({ restart: { maxRestarts: 3, windowMs: 300_000 } });
    h.send({ type: 'server.start' });
    for (let i = 0; i < 3; i++) {
      h.crash(1);
      expect(h.state()).toBe('backoff');
      h.advance(h.context().recovery.nextDelayMs);
    }
    h.crash(1);
    expect(h.state()).toBe('crashed');
    expect(h.context().reason).toBe('exited with code 1 while starting: gave up after 3 restarts within 5 min');
    const spawns = h.fake.spawns;
    h.advance(3_600_000);
    expect(h.fake.spawns).toBe(spawns);
    expect(h.fake.spawns).toBe(4);
  });

  it('forgets restarts older than the window', () => {
    const h = createServerHarness({
      restart: { maxRestarts: 2, windowMs: 60_000, resetAfterMs: 10_000_000, minUptimeMs: 10_000_000 },
      health: { intervalMs: 1_000_000 },
    });
    h.boot();
    h.crash(1);
    h.advance(0);
    h.ready();
    h.crash(1);
    h.advance(1_000);
    h.ready();
    expect(h.context().recovery.windowRestarts).toBe(2);
    h.advance(60_000);
    expect(h.context().recovery.windowRestarts).toBe(0);
    h.crash(1);
    expect(h.state()).toBe('backoff');
    expect(h.context().recovery.windowRestarts).toBe(1);
  });

  it('resets the budget after resetAfterMs of continuous health', () => {
    const h = createServerHarness({
      restart: { maxRestarts: 3, resetAfterMs: 120_000, windowMs: 10_000_000 },
      health: { intervalMs: 1_000_000 },
    });
    h.boot();
    h.crash(1);
    h.advance(0);
    h.ready();
    h.crash(1);
    h.advance(1_000);
    h.ready();
    h.advance(119_999);
    expect(h.context().recovery.windowRestarts).toBe(2);
    h.advance(1);
    expect(h.context().recovery.windowRestarts).toBe(0);
    expect(h.context().restarts).toBe(2);
    h.crash(1);
    expect(h.context().recovery.nextDelayMs).toBe(0);
  });

  it('exit code 78 goes straight to crashed', () => {
    const h = createServerHarness();
    h.boot();
    h.crash(78);
    expect(h.state()).toBe('crashed');
    expect(h.context().reason).toBe('exited with code 78 (EX_CONFIG, a configuration error): not restarting');
    expect(h.context().lastExit).toEqual({ code: 78, signal: null });
  });

  it('a stop during backoff goes straight to stopped and nothing more is spawned', () => {
    const h = createServerHarness({ restart: { backoffMs: 1_000 } });
    h.boot();
    h.crash(1);
    h.advance(0);
    h.crash(1);
    expect(h.state()).toBe('backoff');
    h.send({ type: 'server.stop' });
    expect(h.state()).toBe('stopped');
    h.advance(60_000);
    expect(h.fake.spawns).toBe(2);
  });

  it('a user start from crashed gets a fresh budget', () => {
    const h = createServerHarness({ restart: { maxRestarts: 0 } });
    h.boot();
    h.crash(1);
    expect(h.state()).toBe('crashed');
    h.send({ type: 'server.start' });
    expect(h.state()).toBe('starting');
    expect(h.context().recovery.windowRestarts).toBe(0);
  });
});

describe('server machine: stopping', () => {
  it('closes stdin, waits graceMs, SIGTERMs the group, waits killTimeoutMs, SIGKILLs it', () => {
    const h = createServerHarness({ stop: { graceMs: 2_000, killTimeoutMs: 5_000 } });
    h.boot();
    h.send({ type: 'server.stop' });
    expect(h.state()).toBe('stopping');
    expect(h.fake.commands).toEqual([{ type: 'process.closeStdin' }]);
    h.advance(1_999);
    expect(h.fake.commands).toHaveLength(1);
    h.advance(1);
    expect(h.fake.commands.at(-1)).toEqual({ type: 'process.signal', signal: 'SIGTERM' });
    h.advance(4_999);
    expect(h.fake.commands).toHaveLength(2);
    h.advance(1);
    expect(h.fake.commands.at(-1)).toEqual({ type: 'process.signal', signal: 'SIGKILL' });
    h.crash(null, 'SIGKILL');
    expect(h.state()).toBe('stopped');
    expect(h.context().reason).toBe('stopped (killed by SIGKILL)');
    expect(h.context().pid).toBeNull();
  });

  it('cannot hang: a process that survives SIGKILL is abandoned after killTimeoutMs', () => {
    const h = createServerHarness({ stop: { graceMs: 0, killTimeoutMs: 100 } });
    h.boot();
    h.send({ type: 'server.stop' });
    h.advance(0);
    h.advance(100);
    h.advance(100);
    expect(h.state()).toBe('stopped');
    expect(h.context().reason).toBe('stopped (still alive 100 ms after SIGKILL; abandoned)');
    expect(h.fake.cleanups).toBe(1);
  });

  it('a server that exits on stdin close is stopped without signals', () => {
    const h = createServerHarness();
    h.boot();
    h.send({ type: 'server.stop' });
    h.crash(0);
    expect(h.state()).toBe('stopped');
    expect(h.context().reason).toBe('stopped (exited with code 0)');
    expect(h.fake.commands).toEqual([{ type: 'process.closeStdin' }]);
  });

  it('a user restart stops, then starts afresh without spending the budget', () => {
    const h = createServerHarness();
    h.boot();
    h.send({ type: 'server.restart' });
    expect(h.state()).toBe('stopping');
    h.crash(0);
    expect(h.state()).toBe('starting');
    expect(h.fake.spawns).toBe(2);
    expect(h.context().restarts).toBe(0);
    expect(h.context().reason).toBe('restarting (exited with code 0)');
  });

  it('a start during a stop turns it into a restart', () => {
    const h = createServerHarness();
    h.boot();
    h.send({ type: 'server.stop' });
    h.send({ type: 'server.start' });
    h.crash(0);
    expect(h.state()).toBe('starting');
  });
});

describe('server machine: occasional crashes and minUptimeMs', () => {
  /** Runs for `upMs` after answering, then exits with code 1. */
  const crashAfter = (h: ReturnType<typeof createServerHarness>, upMs: number) => {
    h.advance(upMs);
    h.crash(1);
  };

  it('a server that crashes every 20 s with the defaults is restarted forever, never given up on', () => {
    const h = createServerHarness({ health: { intervalMs: 1_000_000 } });
    h.boot();
    const delays: number[] = [];
    for (let i = 0; i < 30; i++) {
      crashAfter(h, 20_000);
      expect(h.state()).toBe('backoff');
      delays.push(h.context().recovery.nextDelayMs);
      h.advance(h.context().recovery.nextDelayMs);
      expect(h.state()).toBe('starting');
      h.ready();
    }
    expect(h.context().recovery.windowRestarts).toBe(0);
    expect(h.context().restarts).toBe(30);
    // Consecutive crashes still back off, up to maxBackoffMs.
    expect(delays.slice(0, 7)).toEqual([0, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000]);
  });

  it('an exit within minUptimeMs of answering counts toward giving up; one at minUptimeMs does not', () => {
    const h = createServerHarness({ restart: { minUptimeMs: 10_000, maxRestarts: 5 }, health: { intervalMs: 1_000_000 } });
    h.boot();
    crashAfter(h, 9_999);
    expect(h.context().recovery.windowRestarts).toBe(1);
    expect(h.context().reason).toBe('exited with code 1; restart 1/5 now');
    h.advance(0);
    h.ready();
    crashAfter(h, 10_000);
    expect(h.context().recovery.windowRestarts).toBe(1);
    expect(h.context().reason).toBe('exited with code 1; restart in 1 s (not counted: it ran over 10 s)');
  });

  it('the late crash loop (healthy once, then instant exits) reaches crashed within maxRestarts + 1 spawns', () => {
    const h = createServerHarness({ restart: { maxRestarts: 3 }, health: { intervalMs: 1_000_000 } });
    h.boot();
    crashAfter(h, 60_000);
    expect(h.state()).toBe('backoff');
    const healthySpawns = h.fake.spawns;
    while (h.state() !== 'crashed') {
      h.advance(h.context().recovery.nextDelayMs);
      expect(h.state()).toBe('starting');
      h.crash(1);
      expect(h.fake.spawns - healthySpawns).toBeLessThanOrEqual(3 + 1);
    }
    expect(h.fake.spawns - healthySpawns).toBe(4);
    expect(h.context().reason).toBe('exited with code 1 while starting: gave up after 3 restarts within 5 min');
  });

  it('the backoff resets after resetAfterMs of health, even when no restart was counted', () => {
    const h = createServerHarness({ restart: { resetAfterMs: 120_000 }, health: { intervalMs: 1_000_000 } });
    h.boot();
    for (let i = 0; i < 3; i++) {
      crashAfter(h, 20_000);
      h.advance(h.context().recovery.nextDelayMs);
      h.ready();
    }
    expect(h.context().recovery.crashStreak).toBe(3);
    h.advance(120_000);
    expect(h.context().recovery.crashStreak).toBe(0);
    h.crash(1);
    expect(h.context().recovery.nextDelayMs).toBe(0);
  });

  it('a command that cannot be spawned goes to crashed at once, naming why', () => {
    const h = createServerHarness();
    h.send({ type: 'server.start' });
    h.report({ type: 'process.failed', error: 'command not found: nope (ENOENT; searched PATH=/usr/bin:/bin)', fatal: true });
    expect(h.state()).toBe('crashed');
    expect(h.context().reason).toBe('command not found: nope (ENOENT; searched PATH=/usr/bin:/bin): not restarting');
    h.advance(3_600_000);
    expect(h.fake.spawns).toBe(1);
  });
});

describe('server machine: context', () => {
  // XState copies the context with Object.assign({}, …) on every assign; V8 makes a copy of more than
  // 19 properties a dictionary object: 4 KB and slower reads on every health check of every server.
  it('has at most 19 top-level fields, so its copies stay fast objects', () => {
    const h = createServerHarness();
    h.boot();
    expect(Object.keys(h.context()).length).toBeLessThanOrEqual(19);
  });
});
