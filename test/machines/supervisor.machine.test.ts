/** The root machine with fake process actors: one_for_one independence, subsets, and shutdown. */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { resolvePolicy } from '../../src/config/policy.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { serverStateName, type ServerSnapshot } from '../../src/machines/server.state.js';
import type { ProcessCommand, ProcessReportEvent, ServerInput } from '../../src/machines/server.types.js';
import { serverActorId, shutdownDeadlineMs, supervisorMachine } from '../../src/machines/supervisor.machine.js';
import { advanceClock } from './server.harness.js';

type Behaviour = 'healthy' | 'throws' | 'never-exits';

/**
 * Each server's fake process actor: ready at once, throws on spawn, or ignores every stop. Servers
 * come as a Map when a name such as `__proto__` cannot be an object literal's key.
 */
function createSupervisor(serverList: Record<string, Behaviour> | Map<string, Behaviour>, disabled: string[] = []) {
  const servers = serverList instanceof Map ? serverList : new Map(Object.entries(serverList));
  const clock = new SimulatedClock();
  const spawnCounts = new Map<string, number>();
  const processActor = fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(({ input, sendBack, receive }) => {
    const { name } = input.spec;
    spawnCounts.set(name, (spawnCounts.get(name) ?? 0) + 1);
    const behaviour = servers.get(name);
    if (behaviour === 'throws') throw new Error(`fake spawn failure of ${name}`);
    const pid = 2000 + [...spawnCounts.values()].reduce((a, b) => a + b, 0);
    sendBack({ type: 'process.spawned', pid, pgid: pid, startedAt: clock.now() });
    sendBack({
      type: 'mcp.ready',
      elapsedMs: 5,
      protocol: { generation: 'legacy', protocolVersion: '2025-11-25', serverInfo: { name, version: '1' }, capabilities: {} },
    });
    receive((command) => {
      if (command.type === 'probe.check') sendBack({ type: 'probe.ok', seq: command.seq, latencyMs: 1 });
      if (behaviour === 'healthy' && command.type === 'process.closeStdin') {
        sendBack({ type: 'process.exited', code: 0, signal: null });
      }
    });
  });
  const policy = resolvePolicy({ restart: { jitter: 0 } }, {});
  const machine = supervisorMachine.provide({
    actors: { server: serverMachine.provide({ actors: { process: processActor } }) },
  });
  const supervisor = createActor(machine, {
    clock,
    systemId: 'supervisor',
    input: {
      servers: [...servers.keys()].map((name) => ({
        spec: { name, command: 'node', args: [], env: {}, cwd: undefined },
        policy,
        disabled: disabled.includes(name),
      })),
    },
  });
  const errors: unknown[] = [];
  supervisor.subscribe({ error: (error) => errors.push(error) });
  supervisor.start();
  const state = (name: string) => {
    const child = supervisor.getSnapshot().children[serverActorId(name)];
    if (!child) throw new Error(`no child ${name}`);
    return serverStateName(child.getSnapshot() as ServerSnapshot);
  };
  return { supervisor, clock, spawnCounts, errors, policy, state };
}

describe('supervisor machine', () => {
  it('spawns one server actor per configured server, all stopped', () => {
    const { supervisor, state } = createSupervisor({ a: 'healthy', b: 'healthy' });
    expect(Object.keys(supervisor.getSnapshot().children).sort()).toEqual(['@orch/sampler', 'server:a', 'server:b']);
    expect(state('a')).toBe('stopped');
    expect(supervisor.getSnapshot().value).toBe('supervising');
  });

  it('starts every enabled server, skipping the disabled', () => {
    const { supervisor, state } = createSupervisor({ a: 'healthy', b: 'healthy', off: 'healthy' }, ['off']);
    supervisor.send({ type: 'servers.start' });
    expect([state('a'), state('b'), state('off')]).toEqual(['running', 'running', 'stopped']);
  });

  it('a disabled server still starts when asked for by name', () => {
    const { supervisor, state } = createSupervisor({ off: 'healthy' }, ['off']);
    supervisor.send({ type: 'servers.start', names: ['off'] });
    expect(state('off')).toBe('running');
  });

  it('starts, stops and restarts only the named subset', () => {
    const { supervisor, state, spawnCounts } = createSupervisor({ a: 'healthy', b: 'healthy', c: 'healthy' });
    supervisor.send({ type: 'servers.start', names: ['a', 'b'] });
    expect([state('a'), state('b'), state('c')]).toEqual(['running', 'running', 'stopped']);
    supervisor.send({ type: 'servers.stop', names: ['b'] });
    expect([state('a'), state('b')]).toEqual(['running', 'stopped']);
    supervisor.send({ type: 'servers.restart', names: ['a'] });
    expect(state('a')).toBe('running');
    expect(Object.fromEntries(spawnCounts)).toEqual({ a: 2, b: 1 });
  });

  it('ignores names it does not know (the orchestrator rejects them before they get here)', () => {
    const { supervisor, state } = createSupervisor({ a: 'healthy' });
    supervisor.send({ type: 'servers.start', names: ['nope', 'a'] });
    expect(state('a')).toBe('running');
  });

  it('one_for_one: a process actor that throws fails only its own server', () => {
    const { supervisor, state, errors, clock } = createSupervisor({ broken: 'throws', fine: 'healthy' });
    supervisor.send({ type: 'servers.start' });
    expect(state('fine')).toBe('running');
    expect(['backoff', 'starting']).toContain(state('broken'));
    advanceClock(clock, 60_000);
    expect(state('broken')).toBe('crashed');
    expect(state('fine')).toBe('running');
    expect(supervisor.getSnapshot().status).toBe('active');
    expect(errors).toEqual([]);
  });

  it('shutdown stops every server in parallel and reaches done', () => {
    const { supervisor, state } = createSupervisor({ a: 'healthy', b: 'healthy' });
    supervisor.send({ type: 'servers.start' });
    supervisor.send({ type: 'supervisor.shutdown' });
    expect(supervisor.getSnapshot().status).toBe('done');
    expect([state('a'), state('b')]).toEqual(['stopped', 'stopped']);
  });

  it('shutdown waits for a server that ignores stops, then gives up at its deadline', () => {
    const { supervisor, state, clock, policy } = createSupervisor({ stubborn: 'never-exits', fine: 'healthy' });
    supervisor.send({ type: 'servers.start' });
    supervisor.send({ type: 'supervisor.shutdown' });
    expect(supervisor.getSnapshot().value).toBe('shuttingDown');
    expect(state('fine')).toBe('stopped');
    // The server's own ladder (grace, SIGTERM, SIGKILL) runs out first and reports it settled.
    advanceClock(clock, policy.stop.graceMs + 2 * policy.stop.killTimeoutMs);
    expect(supervisor.getSnapshot().status).toBe('done');
  });

  it('the shutdown deadline covers the slowest stop ladder', () => {
    const slow = resolvePolicy({}, { stop: { graceMs: 10_000, killTimeoutMs: 20_000 } });
    const fast = resolvePolicy({}, {});
    expect(shutdownDeadlineMs([fast, slow])).toBe(10_000 + 2 * 20_000 + 1_000);
  });

  it('servers named __proto__, constructor and toString start, report their state and stop like any other', () => {
    const names = ['__proto__', 'constructor', 'toString', 'server:x', 'a/b'];
    const { supervisor, state, spawnCounts, errors } = createSupervisor(new Map(names.map((name) => [name, 'healthy'])));
    expect(Object.keys(supervisor.getSnapshot().children).sort()).toEqual([
      '@orch/sampler',
      'server:__proto__',
      'server:a/b',
      'server:constructor',
      'server:server:x',
      'server:toString',
    ]);
    expect(names.map(state)).toEqual(names.map(() => 'stopped'));

    supervisor.send({ type: 'servers.start', names: ['__proto__'] });
    expect([state('__proto__'), state('constructor')]).toEqual(['running', 'stopped']);
    supervisor.send({ type: 'servers.start' });
    expect(names.map(state)).toEqual(names.map(() => 'running'));
    supervisor.send({ type: 'servers.restart', names: ['constructor'] });
    expect(state('constructor')).toBe('running');
    expect([...spawnCounts]).toEqual([['__proto__', 1], ['constructor', 2], ['toString', 1], ['server:x', 1], ['a/b', 1]]);
    supervisor.send({ type: 'servers.stop', names: ['__proto__', 'constructor'] });
    expect(names.map(state)).toEqual(['stopped', 'stopped', 'running', 'running', 'running']);

    supervisor.send({ type: 'supervisor.shutdown' });
    expect(supervisor.getSnapshot().status).toBe('done');
    expect(names.map(state)).toEqual(names.map(() => 'stopped'));
    expect(errors).toEqual([]);
  });

  it('each server actor is registered in the system under its child id', () => {
    const { supervisor } = createSupervisor(new Map([['__proto__', 'healthy']]));
    const child = supervisor.getSnapshot().children['server:__proto__'];
    expect(child).toBeDefined();
    expect(supervisor.system.get(serverActorId('__proto__'))).toBe(child);
  });
});
