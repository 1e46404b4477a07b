/** Drives the server machine with a SimulatedClock and a fake process actor that records what it is told. */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { resolvePolicy, type PolicyOverride } from '../../src/config/policy.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { serverStateName } from '../../src/machines/server.state.js';
import type {
  ProcessCommand,
  ProcessReportEvent,
  ServerEvent,
  ServerInput,
} from '../../src/machines/server.types.js';

export const testSpec = { name: 'memory', command: 'node', args: ['server.js'], env: {}, cwd: undefined };

export function createServerHarness(override: PolicyOverride = {}) {
  const clock = new SimulatedClock();
  const fake = {
    spawns: 0,
    cleanups: 0,
    commands: [] as ProcessCommand[],
    sendBack: undefined as ((event: ProcessReportEvent) => void) | undefined,
  };
  const processActor = fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(({ sendBack, receive }) => {
    fake.spawns += 1;
    fake.commands = [];
    fake.sendBack = sendBack;
    receive((command) => fake.commands.push(command));
    return () => {
      fake.cleanups += 1;
    };
  });
  const policy = resolvePolicy({ restart: { jitter: 0 } }, override);
  const actor = createActor(serverMachine.provide({ actors: { process: processActor } }), {
    clock,
    input: { spec: testSpec, policy },
  });
  actor.start();

  const harness = {
    actor,
    clock,
    fake,
    policy,
    state: () => serverStateName(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    send: (event: ServerEvent) => actor.send(event),
    report: (event: ProcessReportEvent) => {
      if (!fake.sendBack) throw new Error('no process actor is running');
      fake.sendBack(event);
    },
    advance: (ms: number) => advanceClock(clock, ms),
    lastProbeSeq: () => {
      const probes = fake.commands.filter((c) => c.type === 'probe.check');
      const last = probes.at(-1);
      if (!last || last.type !== 'probe.check') throw new Error('no probe was sent');
      return last.seq;
    },
    /** stopped → starting → running, as a healthy server would go. */
    boot: () => {
      harness.send({ type: 'server.start' });
      harness.spawned();
      harness.ready();
    },
    spawned: (pid = 1000 + fake.spawns) =>
      harness.report({ type: 'process.spawned', pid, pgid: pid, startedAt: clock.now() }),
    ready: (generation: 'legacy' | '2026-07-28' = 'legacy') =>
      harness.report({
        type: 'mcp.ready',
        elapsedMs: 180,
        protocol: {
          generation,
          protocolVersion: generation === 'legacy' ? '2025-11-25' : '2026-07-28',
          serverInfo: { name: 'memory-server', version: '0.6.3' },
          capabilities: {},
        },
      }),
    crash: (code: number | null = 1, signal: string | null = null) =>
      harness.report({ type: 'process.exited', code, signal }),
  };
  return harness;
}

/**
 * SimulatedClock.increment jumps straight to the end, so a timer scheduled on the way would start late.
 * Stepping through each deadline in order gives the exact timing a real clock would.
 */
export function advanceClock(clock: SimulatedClock, ms: number): void {
  const target = clock.now() + ms;
  const pending = (clock as unknown as { timeouts: Map<number, { start: number; timeout: number }> }).timeouts;
  for (;;) {
    const due = [...pending.values()].map((t) => t.start + t.timeout).filter((end) => end <= target);
    if (due.length === 0) break;
    clock.set(Math.min(...due));
  }
  clock.set(target);
}
