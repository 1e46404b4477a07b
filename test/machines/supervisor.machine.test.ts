/** The root machine with fake process actors: one_for_one independence, subsets, and shutdown. */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { resolvePolicy } from '../../src/config/policy.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { serverStateName, type ServerSnapshot } from '../../src/machines/server.state.js';
import type { ProcessCommand, ProcessReportEvent, ServerInput, ServerStateName } from '../../src/machines/server.types.js';
import {
  serverActorId,
  shutdownDeadlineMs,
  supervisorMachine,
  type ServerGroup,
  type SupervisedServer,
} from '../../src/machines/supervisor.machine.js';
import { advanceClock } from './server.harness.js';

type Behaviour = 'healthy' | 'throws' | 'never-exits' | 'slow-ready' | 'no-ping';

/**
 * Each server's fake process actor: ready at once, throws on spawn, or ignores every stop. Servers
 * come as a Map when a name such as `__proto__` cannot be an object literal's key.
 */
function createSupervisor(
  serverList: Record<string, Behaviour> | Map<string, Behaviour>,
  disabled: string[] = [],
  dependsOn: Record<string, string[]> = {},
  groups: ServerGroup[] = [],
) {
  const servers = serverList instanceof Map ? serverList : new Map(Object.entries(serverList));
  const clock = new SimulatedClock();
  const spawnCounts = new Map<string, number>();
  /** Every spawn in order, with the command it was given. */
  const spawns: { name: string; command: string }[] = [];
  const processActor = fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(({ input, sendBack, receive }) => {
    const { name } = input.spec;
    spawnCounts.set(name, (spawnCounts.get(name) ?? 0) + 1);
    spawns.push({ name, command: input.spec.command });
    const behaviour = servers.get(name);
    if (behaviour === 'throws') throw new Error(`fake spawn failure of ${name}`);
    const pid = 2000 + [...spawnCounts.values()].reduce((a, b) => a + b, 0);
    sendBack({ type: 'process.spawned', pid, pgid: pid, startedAt: clock.now() });
    const ready = () =>
      sendBack({
        type: 'mcp.ready',
        elapsedMs: 5,
        protocol: { generation: 'legacy', protocolVersion: '2025-11-25', serverInfo: { name, version: '1' }, capabilities: {} },
      });
    if (behaviour === 'slow-ready') clock.setTimeout(ready, 1_000);
    else ready();
    receive((command) => {
      if (command.type === 'probe.check' && behaviour !== 'no-ping') sendBack({ type: 'probe.ok', seq: command.seq, latencyMs: 1 });
      if (behaviour !== 'never-exits' && command.type === 'process.closeStdin') {
        sendBack({ type: 'process.exited', code: 0, signal: null });
      }
    });
  });
  const policy = resolvePolicy({ restart: { jitter: 0 } }, {});
  const member = (name: string, command = 'node'): SupervisedServer => ({
    spec: { name, command, args: [], env: {}, cwd: undefined },
    policy,
    disabled: disabled.includes(name),
    dependsOn: Object.hasOwn(dependsOn, name) ? dependsOn[name]! : [],
  });
  const machine = supervisorMachine.provide({
    actors: { server: serverMachine.provide({ actors: { process: processActor } }) },
  });
  const supervisor = createActor(machine, {
    clock,
    systemId: 'supervisor',
    input: { servers: [...servers.keys()].map((name) => member(name)), groups },
  });
  const errors: unknown[] = [];
  supervisor.subscribe({ error: (error) => errors.push(error) });
  supervisor.start();
  const state = (name: string) => {
    const child = supervisor.getSnapshot().children[serverActorId(name)];
    if (!child) throw new Error(`no child ${name}`);
    return serverStateName(child.getSnapshot() as ServerSnapshot);
  };
  const members = () => supervisor.getSnapshot().context.servers.map((server) => server.spec.name);
  const reason = (name: string) =>
    (supervisor.getSnapshot().children[serverActorId(name)]!.getSnapshot() as ServerSnapshot).context.reason;
  return { supervisor, clock, spawnCounts, spawns, errors, policy, state, member, members, servers, reason };
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

describe('supervisor machine: membership at run time', () => {
  const reconfigure = (h: ReturnType<typeof createSupervisor>, servers: SupervisedServer[], groups: ServerGroup[] = []) =>
    h.supervisor.send({ type: 'supervisor.reconfigure', servers, groups });

  it('adds a server and starts it; an added disabled one waits to be asked', () => {
    const h = createSupervisor({ a: 'healthy' });
    h.supervisor.send({ type: 'servers.start' });
    h.servers.set('b', 'healthy').set('off', 'healthy');
    reconfigure(h, [h.member('a'), h.member('b'), { ...h.member('off'), disabled: true }]);
    expect(h.members()).toEqual(['a', 'b', 'off']);
    expect([h.state('a'), h.state('b'), h.state('off')]).toEqual(['running', 'running', 'stopped']);
    expect(h.spawnCounts.get('a')).toBe(1);
  });

  it('removes a server in every state: the normal stop first, then the actor is gone', () => {
    const h = createSupervisor({ run: 'healthy', rest: 'healthy', broken: 'throws', slow: 'never-exits', keep: 'healthy' });
    h.supervisor.send({ type: 'servers.start', names: ['run', 'broken', 'slow', 'keep'] });
    h.supervisor.send({ type: 'servers.stop', names: ['slow'] });
    expect([h.state('run'), h.state('rest'), h.state('broken'), h.state('slow')]).toEqual(['running', 'stopped', 'backoff', 'stopping']);
    reconfigure(h, [h.member('keep')]);
    // backoff, stopped and a clean exit settle at once; the one that ignores stops runs out its ladder.
    expect(h.members()).toEqual(['keep', 'slow']);
    advanceClock(h.clock, h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs);
    expect(h.members()).toEqual(['keep']);
    expect(Object.keys(h.supervisor.getSnapshot().children).sort()).toEqual(['@orch/sampler', 'server:keep']);
    expect(h.state('keep')).toBe('running');
    expect(h.errors).toEqual([]);
  });

  it('replaces a running server whose command changed: stopped, then the new definition started; siblings untouched', () => {
    const h = createSupervisor({ a: 'healthy', b: 'healthy' });
    h.supervisor.send({ type: 'servers.start' });
    reconfigure(h, [h.member('a', 'node2'), h.member('b')]);
    expect(h.state('a')).toBe('running');
    expect(h.spawns.map((s) => `${s.name}:${s.command}`)).toEqual(['a:node', 'b:node', 'a:node2']);
    expect((h.supervisor.getSnapshot().children[serverActorId('a')]!.getSnapshot() as ServerSnapshot).context.spec.command).toBe('node2');
  });

  it('replaces a server in stopping once its stop ends, and leaves it stopped as asked', () => {
    const h = createSupervisor({ slow: 'never-exits' });
    h.supervisor.send({ type: 'servers.start' });
    h.supervisor.send({ type: 'servers.stop' });
    expect(h.state('slow')).toBe('stopping');
    reconfigure(h, [h.member('slow', 'node2')]);
    expect(h.members()).toEqual(['slow']);
    advanceClock(h.clock, h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs);
    expect(h.state('slow')).toBe('stopped');
    expect(h.supervisor.getSnapshot().context.servers[0]!.spec.command).toBe('node2');
    expect((h.supervisor.getSnapshot().children[serverActorId('slow')]!.getSnapshot() as ServerSnapshot).context.spec.command).toBe('node2');
    expect(h.spawnCounts.get('slow')).toBe(1);
  });

  it('a disabled server enabled by a reload that also changes its command starts with the new one', () => {
    const h = createSupervisor({ off: 'healthy' }, ['off']);
    h.supervisor.send({ type: 'supervisor.reconfigure', servers: [{ ...h.member('off', 'node2'), disabled: false }], groups: [] });
    expect(h.state('off')).toBe('running');
    expect(h.spawns).toEqual([{ name: 'off', command: 'node2' }]);
  });

  it('a policy change reaches the running actor without a restart', () => {
    const h = createSupervisor({ a: 'healthy' });
    h.supervisor.send({ type: 'servers.start' });
    const policy = resolvePolicy({ restart: { jitter: 0 } }, { health: { intervalMs: 1_234 } });
    reconfigure(h, [{ ...h.member('a'), policy }]);
    expect(h.spawnCounts.get('a')).toBe(1);
    expect((h.supervisor.getSnapshot().children[serverActorId('a')]!.getSnapshot() as ServerSnapshot).context.policy.health.intervalMs).toBe(1_234);
  });

  it('a server removed and added back in the next reload is replaced, not lost', () => {
    const h = createSupervisor({ slow: 'never-exits', b: 'healthy' });
    h.supervisor.send({ type: 'servers.start' });
    reconfigure(h, [h.member('b')]);
    reconfigure(h, [h.member('slow', 'node2'), h.member('b')]);
    advanceClock(h.clock, h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs);
    expect(h.members()).toEqual(['slow', 'b']);
    expect(h.state('slow')).toBe('running');
    expect(h.spawns.at(-1)).toEqual({ name: 'slow', command: 'node2' });
  });
});

describe('supervisor machine: membership changes in every state', () => {
  /** How to bring server `x` into each state, and whether a replacement of it should start. */
  const STATES: [ServerStateName, Behaviour, (h: ReturnType<typeof createSupervisor>) => void, boolean][] = [
    ['stopped', 'healthy', () => {}, false],
    ['starting', 'slow-ready', (h) => h.supervisor.send({ type: 'servers.start', names: ['x'] }), true],
    ['running', 'healthy', (h) => h.supervisor.send({ type: 'servers.start', names: ['x'] }), true],
    ['unhealthy', 'no-ping', (h) => {
      h.supervisor.send({ type: 'servers.start', names: ['x'] });
      advanceClock(h.clock, h.policy.health.intervalMs + h.policy.health.timeoutMs);
    }, true],
    ['backoff', 'throws', (h) => h.supervisor.send({ type: 'servers.start', names: ['x'] }), true],
    ['stopping', 'never-exits', (h) => {
      h.supervisor.send({ type: 'servers.start', names: ['x'] });
      h.supervisor.send({ type: 'servers.stop', names: ['x'] });
    }, false],
    ['crashed', 'throws', (h) => {
      h.supervisor.send({ type: 'servers.start', names: ['x'] });
      advanceClock(h.clock, 600_000);
    }, false],
  ];
  const ladder = (h: ReturnType<typeof createSupervisor>) => h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs;

  it.each(STATES)('removes a server in %s: stopped the usual way, then gone; its sibling untouched', (state, behaviour, bring) => {
    const h = createSupervisor({ x: behaviour, sibling: 'healthy' });
    h.supervisor.send({ type: 'servers.start', names: ['sibling'] });
    bring(h);
    expect(h.state('x')).toBe(state);
    h.supervisor.send({ type: 'supervisor.reconfigure', servers: [h.member('sibling')], groups: [] });
    advanceClock(h.clock, ladder(h));
    expect(h.members()).toEqual(['sibling']);
    expect(h.supervisor.getSnapshot().children[serverActorId('x')]).toBeUndefined();
    expect(h.state('sibling')).toBe('running');
    expect(h.spawnCounts.get('sibling')).toBe(1);
    expect(h.errors).toEqual([]);
  });

  it.each(STATES)('replaces a server in %s: the new command runs if the old one was wanted running', (state, behaviour, bring, starts) => {
    const h = createSupervisor({ x: behaviour, sibling: 'healthy' });
    h.supervisor.send({ type: 'servers.start', names: ['sibling'] });
    bring(h);
    expect(h.state('x')).toBe(state);
    const spawnsBefore = h.spawns.length;
    h.supervisor.send({ type: 'supervisor.reconfigure', servers: [h.member('x', 'node2'), h.member('sibling')], groups: [] });
    advanceClock(h.clock, ladder(h));
    expect(h.supervisor.getSnapshot().context.servers.map((s) => s.spec.command)).toEqual(['node2', 'node']);
    const child = h.supervisor.getSnapshot().children[serverActorId('x')]!.getSnapshot() as ServerSnapshot;
    expect(child.context.spec.command).toBe('node2');
    const newSpawns = h.spawns.slice(spawnsBefore).filter((s) => s.name === 'x');
    if (starts) expect(newSpawns[0]).toEqual({ name: 'x', command: 'node2' });
    else expect(newSpawns).toEqual([]);
    expect(h.spawnCounts.get('sibling')).toBe(1);
    expect(h.errors).toEqual([]);
  });
});

describe('supervisor machine: dependencies', () => {
  it('starts a server only once what it depends on is running, and says what it waits for', () => {
    const h = createSupervisor({ app: 'healthy', db: 'slow-ready' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start' });
    expect([h.state('app'), h.state('db')]).toEqual(['stopped', 'starting']);
    expect(h.reason('app')).toBe('waiting for db to be running');
    advanceClock(h.clock, 1_000);
    expect([h.state('app'), h.state('db')]).toEqual(['running', 'running']);
    expect(h.spawns.map((s) => s.name)).toEqual(['db', 'app']);
  });

  it('starting a server by name starts what it depends on first', () => {
    const h = createSupervisor({ app: 'healthy', db: 'healthy', other: 'healthy' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start', names: ['app'] });
    expect([h.state('app'), h.state('db'), h.state('other')]).toEqual(['running', 'running', 'stopped']);
  });

  it('stops dependents first, then what they depend on; shutdown too', () => {
    const h = createSupervisor({ app: 'never-exits', db: 'healthy' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start' });
    h.supervisor.send({ type: 'supervisor.shutdown' });
    expect([h.state('app'), h.state('db')]).toEqual(['stopping', 'running']);
    advanceClock(h.clock, h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs);
    expect([h.state('app'), h.state('db')]).toEqual(['stopped', 'stopped']);
    expect(h.supervisor.getSnapshot().status).toBe('done');
  });

  it('independent servers still start together', () => {
    const h = createSupervisor({ a: 'slow-ready', b: 'slow-ready' });
    h.supervisor.send({ type: 'servers.start' });
    expect([h.state('a'), h.state('b')]).toEqual(['starting', 'starting']);
  });
});

describe('supervisor machine: what a command means', () => {
  it('@group names its members; a bulk start never starts a disabled server, naming it does', () => {
    const h = createSupervisor({ a: 'healthy', b: 'healthy', off: 'healthy', c: 'healthy' }, ['off'], {}, [
      { name: 'dev', members: ['a', 'off'] },
    ]);
    h.supervisor.send({ type: 'servers.start', names: ['@dev'] });
    expect([h.state('a'), h.state('b'), h.state('off')]).toEqual(['running', 'stopped', 'stopped']);
    h.supervisor.send({ type: 'servers.restart' });
    expect(h.state('off')).toBe('stopped');
    h.supervisor.send({ type: 'servers.start', names: ['off'] });
    expect(h.state('off')).toBe('running');
  });
});

describe('supervisor machine: reloads racing stops, starts and each other', () => {
  const ladder = (h: ReturnType<typeof createSupervisor>) => h.policy.stop.graceMs + 2 * h.policy.stop.killTimeoutMs;
  const reconfigure = (h: ReturnType<typeof createSupervisor>, servers: SupervisedServer[]) =>
    h.supervisor.send({ type: 'supervisor.reconfigure', servers, groups: [] });

  it('removing a dependency that a stop holds back lets the hold go; the supervisor never fails', () => {
    const h = createSupervisor({ app: 'never-exits', db: 'healthy' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start' });
    h.supervisor.send({ type: 'servers.stop' });
    reconfigure(h, [{ ...h.member('app'), dependsOn: [] }]);
    advanceClock(h.clock, ladder(h) * 2);
    expect(h.errors).toEqual([]);
    expect(h.supervisor.getSnapshot().status).toBe('active');
    expect(h.members()).toEqual(['app']);
    expect(h.state('app')).toBe('stopped');
  });

  it('a second reload while a replacement waits takes the newest definition, or removes it', () => {
    const h = createSupervisor({ a: 'never-exits', b: 'healthy' });
    h.supervisor.send({ type: 'servers.start' });
    reconfigure(h, [h.member('a', 'v2'), h.member('b')]);
    reconfigure(h, [h.member('a', 'v3'), h.member('b')]);
    advanceClock(h.clock, ladder(h));
    expect(h.spawns.filter((s) => s.name === 'a').map((s) => s.command)).toEqual(['node', 'v3']);
    reconfigure(h, [h.member('a', 'v4'), h.member('b')]);
    reconfigure(h, [h.member('b')]);
    advanceClock(h.clock, ladder(h));
    expect(h.members()).toEqual(['b']);
    expect(h.spawns.filter((s) => s.name === 'a').map((s) => s.command)).toEqual(['node', 'v3']);
  });

  it('a start while the old process of a replaced server stops starts the new definition', () => {
    const h = createSupervisor({ a: 'never-exits' });
    h.supervisor.send({ type: 'servers.start' });
    h.supervisor.send({ type: 'servers.stop' });
    reconfigure(h, [h.member('a', 'v2')]);
    h.supervisor.send({ type: 'servers.start', names: ['a'] });
    advanceClock(h.clock, ladder(h));
    expect(h.spawns.map((s) => s.command)).toEqual(['node', 'v2']);
    expect(h.state('a')).toBe('running');
  });

  it('a reload that changes a waiting server keeps its start pending, judged on its new dependencies', () => {
    const h = createSupervisor({ app: 'healthy', db: 'slow-ready' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start', names: ['app'] });
    expect(h.state('app')).toBe('stopped');
    const policy = resolvePolicy({ restart: { jitter: 0 } }, { health: { intervalMs: 2_000 } });
    reconfigure(h, [{ ...h.member('app'), policy }, h.member('db')]);
    advanceClock(h.clock, 1_000);
    expect(h.state('app')).toBe('running');
  });

  it('a dependency back from unhealthy releases what waits for it', () => {
    const h = createSupervisor({ app: 'healthy', db: 'healthy' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start', names: ['db'] });
    const db = h.supervisor.getSnapshot().children[serverActorId('db')]!;
    // The next check of db goes unanswered: db is unhealthy when app is asked to start.
    h.servers.set('db', 'no-ping');
    h.supervisor.send({ type: 'servers.restart', names: ['db'] });
    advanceClock(h.clock, h.policy.health.intervalMs + h.policy.health.timeoutMs);
    expect(h.state('db')).toBe('unhealthy');
    h.supervisor.send({ type: 'servers.start', names: ['app'] });
    expect(h.state('app')).toBe('stopped');
    // Answering again: the fake's probes are answered by behaviour at spawn, so report one by hand.
    const seq = (db.getSnapshot() as ServerSnapshot).context.probeSeq;
    advanceClock(h.clock, h.policy.health.intervalMs);
    db.send({ type: 'probe.ok', seq, latencyMs: 1 });
    expect(h.state('db')).toBe('running');
    expect(h.state('app')).toBe('running');
  });

  it('restarting a dependency and its dependent together restarts them in order', () => {
    const h = createSupervisor({ app: 'healthy', db: 'slow-ready' }, [], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start' });
    advanceClock(h.clock, 1_000);
    h.supervisor.send({ type: 'servers.restart' });
    expect(h.state('db')).toBe('starting');
    expect(h.state('app')).toBe('stopped');
    advanceClock(h.clock, 1_000);
    expect([h.state('db'), h.state('app')]).toEqual(['running', 'running']);
  });

  it('a bulk start never starts a disabled dependency: its dependent waits, and says so', () => {
    const h = createSupervisor({ app: 'healthy', db: 'healthy' }, ['db'], { app: ['db'] });
    h.supervisor.send({ type: 'servers.start' });
    expect([h.state('app'), h.state('db')]).toEqual(['stopped', 'stopped']);
    expect(h.reason('app')).toBe('waiting for db to be running');
  });
});
