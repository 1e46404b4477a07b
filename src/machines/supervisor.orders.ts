/**
 * How the supervisor puts its commands in order: a start waits for what the server depends on, a
 * stop waits for what depends on the server, and holds are let go as servers come and go. Pure
 * helpers of the supervisor machine's actions: they read the system's own actors and enqueue events.
 */
import type { AnyActorRef } from 'xstate';
import type { SupervisedServer } from './membership.js';
import { serverStateName, type ServerSnapshot } from './server.state.js';
import type { ServerEvent, ServerInput, ServerStateName } from './server.types.js';

/** A server held back until every server in `for` has done what it waits for. */
export interface Hold {
  name: string;
  for: string[];
}

type ActorSystem = { get(id: string): AnyActorRef | undefined };

/**
 * A server actor's id among the supervisor's children, and its systemId. Prefixed, because a
 * server may be named `__proto__` or `constructor` and `snapshot.children` is a plain object.
 */
export function serverActorId(name: string): string {
  return `server:${name}`;
}

/** The part of `enqueueActions`' enqueuer the helpers below use. */
export interface Enqueue {
  sendTo(to: string, event: ServerEvent): void;
  spawnChild(src: 'server', options: { id: string; systemId: string; input: ServerInput }): void;
}

/** The state of a member's actor, read from the system (no I/O: the actors are this system's own). */
export function stateOf(system: ActorSystem, name: string): ServerStateName | undefined {
  const snapshot = system.get(serverActorId(name))?.getSnapshot() as ServerSnapshot | undefined;
  return snapshot ? serverStateName(snapshot) : undefined;
}

export const isDown = (state: ServerStateName | undefined) => state === undefined || state === 'stopped' || state === 'crashed';

export function spawn(enqueue: Enqueue, server: SupervisedServer): void {
  const id = serverActorId(server.spec.name);
  enqueue.spawnChild('server', { id, systemId: id, input: { spec: server.spec, policy: server.policy } });
}

/** Whether a member is up, or on its way up: a replacement of it should start. */
export function wantsToRun(system: ActorSystem, name: string): boolean {
  const snapshot = system.get(serverActorId(name))?.getSnapshot() as ServerSnapshot | undefined;
  if (!snapshot) return false;
  const state = serverStateName(snapshot);
  if (state === 'stopping') return snapshot.context.afterStop !== 'stay-stopped';
  return !isDown(state);
}

/**
 * Sends `action` to each server whose dependencies are running; the others are told what they wait
 * for and returned, to be started by `server.ready`. A dependency restarted by the same command is
 * waited for too: its dependent stops now and starts once the dependency is back.
 */
export function orderStarts(
  context: { servers: SupervisedServer[] },
  names: string[],
  action: 'start' | 'restart',
  enqueue: Enqueue,
  system: ActorSystem,
  together: ReadonlySet<string> = new Set(),
): Hold[] {
  const byName = new Map(context.servers.map((server) => [server.spec.name, server]));
  const held: Hold[] = [];
  for (const name of names) {
    const dependencies = (byName.get(name)?.dependsOn ?? []).filter((dep) => byName.has(dep));
    const missing = dependencies.filter(
      (dep) => stateOf(system, dep) !== 'running' || (action === 'restart' && together.has(dep)),
    );
    if (missing.length === 0) {
      enqueue.sendTo(serverActorId(name), { type: action === 'start' ? 'server.start' : 'server.restart' });
      continue;
    }
    if (action === 'restart' && !isDown(stateOf(system, name))) enqueue.sendTo(serverActorId(name), { type: 'server.stop' });
    enqueue.sendTo(serverActorId(name), { type: 'server.note', reason: `waiting for ${missing.join(', ')} to be running` });
    held.push({ name, for: missing });
  }
  return held;
}

/** Takes `gone` out of every hold; each hold left with nothing to wait for is sent `type`. */
export function release<Hold extends { name: string; for: string[] }>(
  holds: Hold[],
  gone: string,
  type: 'server.start' | 'server.stop',
  enqueue: Enqueue,
): Hold[] {
  const left: Hold[] = [];
  for (const hold of holds) {
    const rest = hold.for.filter((name) => name !== gone);
    if (rest.length === 0) enqueue.sendTo(serverActorId(hold.name), { type });
    else left.push({ ...hold, for: rest });
  }
  return left;
}

/**
 * Stops each server no running server of the set depends on; the others wait for their dependents
 * and are returned, to be stopped by `server.settled`.
 */
export function orderStops(
  context: { servers: SupervisedServer[] },
  names: string[],
  enqueue: Enqueue,
  system: ActorSystem,
): Hold[] {
  const set = new Set(names);
  const held: Hold[] = [];
  for (const name of names) {
    const dependents = context.servers
      .filter((s) => set.has(s.spec.name) && s.dependsOn.includes(name) && !isDown(stateOf(system, s.spec.name)))
      .map((s) => s.spec.name);
    if (dependents.length === 0) enqueue.sendTo(serverActorId(name), { type: 'server.stop' });
    else held.push({ name, for: dependents });
  }
  return held;
}
