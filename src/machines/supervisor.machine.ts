/**
 * The root of the actor system, and the owner of membership (OTP's supervisor: `start_child`,
 * `terminate_child`, `delete_child`). It adds, replaces and removes server actors at run time, resolves
 * what a command means (`resolveTargets`), starts a server only once what it depends on is running and
 * stops dependents first, one_for_one (a server's failure touches no other), and shuts everything down
 * within a deadline. Nobody else keeps a list of servers: readers ask this machine's context.
 */
import { enqueueActions, fromCallback, setup } from 'xstate';
import type { Policy } from '../config/policy.js';
import type { ServerAction } from './actions.js';
import { dependencyDepth, planReconfigure, resolveTargets, type ServerGroup, type SupervisedServer } from './membership.js';
import { serverMachine } from './server.machine.js';
import type { ServerReadyEvent, ServerSettledEvent } from './server.types.js';
import {
  isDown,
  orderStarts,
  orderStops,
  release,
  serverActorId,
  spawn,
  stateOf,
  wantsToRun,
  type Hold,
} from './supervisor.orders.js';

export { serverActorId } from './supervisor.orders.js';

export type { ServerGroup, SupervisedServer } from './membership.js';

export interface SupervisorInput {
  servers: SupervisedServer[];
  groups?: ServerGroup[];
}

export interface SupervisorContext {
  /** The members, in config order. */
  servers: SupervisedServer[];
  groups: ServerGroup[];
  /** Servers asked to start, held until everything they depend on is running. */
  waiting: Hold[];
  /** Servers asked to stop, held until the servers that depend on them have stopped. */
  stopAfter: Hold[];
  /** Members on their way out: dropped once stopped. */
  removing: string[];
  /** New definitions of members with a changed command: swapped in once the old one stopped. */
  replacing: { server: SupervisedServer; start: boolean }[];
  /** Servers still stopping during a shutdown. */
  pending: string[];
}

/** `names` absent means every server (for a start, every enabled one); `@group` names a group. */
export type SupervisorEvent =
  | { type: 'servers.start'; names?: string[] }
  | { type: 'servers.stop'; names?: string[] }
  | { type: 'servers.restart'; names?: string[] }
  | { type: 'supervisor.reconfigure'; servers: SupervisedServer[]; groups: ServerGroup[] }
  /** The gateway opened a session of a per-session server: its own member, started at once. */
  | { type: 'session.open'; server: SupervisedServer }
  /** That session ended: its member stops and goes. */
  | { type: 'session.close'; name: string }
  | { type: 'supervisor.shutdown' }
  | ServerSettledEvent
  | ServerReadyEvent;

const ACTION_OF = { 'servers.start': 'start', 'servers.stop': 'stop', 'servers.restart': 'restart' } as const;

/** Slack beyond the slowest server's own stop deadline before the shutdown stops waiting. */
const SHUTDOWN_SLACK_MS = 1_000;

/** The longest any server may take to stop (grace, SIGTERM wait, SIGKILL wait), plus slack. */
export function shutdownDeadlineMs(policies: Pick<Policy, 'stop'>[], depth = 1): number {
  const slowest = Math.max(0, ...policies.map(({ stop }) => stop.graceMs + 2 * stop.killTimeoutMs));
  // Dependents stop before what they depend on: one stop per link of the longest chain.
  return slowest * Math.max(1, depth) + SHUTDOWN_SLACK_MS;
}

export const supervisorMachine = setup({
  types: {
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    input: {} as SupervisorInput,
  },
  actors: {
    server: serverMachine,
    // Provided by the composition root; without one, nothing is sampled.
    sampler: fromCallback<{ type: string }>(() => {}),
  },
  delays: {
    shutdownDeadline: ({ context }) =>
      shutdownDeadlineMs(
        context.servers.map((server) => server.policy),
        dependencyDepth(context.servers),
      ),
  },
  guards: {
    nothingPending: ({ context }) => context.pending.length === 0,
  },
  actions: {
    spawnServers: enqueueActions(({ context, enqueue }) => {
      for (const server of context.servers) spawn(enqueue, server);
    }),
    command: enqueueActions(({ context, event, enqueue, system }) => {
      if (!(event.type in ACTION_OF)) return;
      const action: ServerAction = ACTION_OF[event.type as keyof typeof ACTION_OF];
      const targets = resolveTargets(commandable(context), context.groups, action, 'names' in event ? event.names : undefined);
      // A member being replaced is stopping already: the command decides whether its new definition starts.
      const replacing = context.replacing.map((r) =>
        [...targets.alsoStart, ...targets.names].includes(r.server.spec.name) ? { ...r, start: action !== 'stop' } : r,
      );
      const swapping = new Set(replacing.map((r) => r.server.spec.name));
      const names = targets.names.filter((name) => !swapping.has(name));
      const alsoStart = targets.alsoStart.filter((name) => !swapping.has(name));
      let waiting = context.waiting;
      let stopAfter = context.stopAfter;
      if (action === 'stop') {
        const stopping = new Set(names);
        waiting = waiting.filter((w) => !stopping.has(w.name));
        stopAfter = [...stopAfter.filter((s) => !stopping.has(s.name)), ...orderStops(context, names, enqueue, system)];
      } else {
        const starting = [...alsoStart, ...names];
        const together = new Set(starting);
        stopAfter = stopAfter.filter((s) => !together.has(s.name));
        waiting = [
          ...waiting.filter((w) => !together.has(w.name)),
          ...orderStarts(context, alsoStart, 'start', enqueue, system, together),
          ...orderStarts(context, names, action, enqueue, system, together),
        ];
      }
      enqueue.assign({ waiting, stopAfter, replacing });
    }),
    serverReady: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'server.ready') return;
      enqueue.assign({ waiting: release(context.waiting, event.name, 'server.start', enqueue) });
    }),
    serverSettled: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'server.settled') return;
      const { name } = event;
      let { servers, removing, replacing, waiting } = context;
      let stopAfter = release(context.stopAfter, name, 'server.stop', enqueue);
      if (removing.includes(name)) {
        enqueue.stopChild(serverActorId(name));
        servers = servers.filter((server) => server.spec.name !== name);
        removing = removing.filter((other) => other !== name);
        // Nobody waits for a server that is gone.
        waiting = release(waiting, name, 'server.start', enqueue);
      }
      const replacement = replacing.find((r) => r.server.spec.name === name);
      if (replacement) {
        enqueue.stopChild(serverActorId(name));
        spawn(enqueue, replacement.server);
        servers = servers.map((server) => (server.spec.name === name ? replacement.server : server));
        replacing = replacing.filter((r) => r !== replacement);
        if (replacement.start) waiting = [...waiting, ...orderStarts({ servers }, [name], 'start', enqueue, system)];
      }
      enqueue.assign({
        servers,
        removing,
        replacing,
        waiting,
        stopAfter,
        pending: context.pending.filter((other) => other !== name),
      });
    }),
    openSession: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'session.open' || context.servers.some((server) => server.spec.name === event.server.spec.name)) return;
      spawn(enqueue, event.server);
      const servers = [...context.servers, event.server];
      enqueue.assign({ servers, waiting: [...context.waiting, ...orderStarts({ servers }, [event.server.spec.name], 'start', enqueue, system)] });
    }),
    closeSession: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'session.close' || context.removing.includes(event.name)) return;
      if (!context.servers.some((server) => server.spec.name === event.name && server.sessionOf !== undefined)) return;
      enqueue.assign({ removing: [...context.removing, event.name] });
      enqueue.sendTo(serverActorId(event.name), { type: 'server.stop' });
    }),
    reconfigure: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== 'supervisor.reconfigure') return;
      let { servers, removing, replacing, waiting, stopAfter } = context;
      const next = new Map(event.servers.map((server) => [server.spec.name, server]));
      // Sessions of a server the config removes or gives a new command end with it.
      for (const session of servers) {
        if (session.sessionOf === undefined || removing.includes(session.spec.name)) continue;
        const base = next.get(session.sessionOf);
        if (base && base.spec.command === session.spec.command && JSON.stringify(base.spec.args) === JSON.stringify(session.spec.args)) continue;
        removing = [...removing, session.spec.name];
        enqueue.sendTo(serverActorId(session.spec.name), { type: 'server.stop' });
      }
      const toStart: string[] = [];
      const leave = (name: string) => {
        // Holds on a server on its way out are let go: what waited for it starts, what it held stops.
        waiting = release(waiting.filter((w) => w.name !== name), name, 'server.start', enqueue);
        stopAfter = release(stopAfter.filter((s) => s.name !== name), name, 'server.stop', enqueue);
      };
      // A member still on its way out that the new config has again comes back as its new definition.
      for (const name of removing) {
        const server = next.get(name);
        if (server) replacing = [...replacing, { server, start: !server.disabled }];
      }
      removing = removing.filter((name) => !next.has(name));
      // A replacement still waiting for its old process takes the newest definition, or becomes a removal.
      replacing = replacing.flatMap((r) => {
        const server = next.get(r.server.spec.name);
        if (server) return [{ server, start: r.start && !server.disabled }];
        removing = [...removing, r.server.spec.name];
        leave(r.server.spec.name);
        return [];
      });
      const pending = (server: SupervisedServer) =>
        server.sessionOf === undefined && !replacing.some((r) => r.server.spec.name === server.spec.name) && !removing.includes(server.spec.name);
      for (const change of planReconfigure(servers.filter(pending), event.servers.filter(pending))) {
        const name = change.kind === 'removed' ? change.name : change.server.spec.name;
        const state = stateOf(system, name);
        if (change.kind === 'added') {
          spawn(enqueue, change.server);
          servers = [...servers, change.server];
          if (!change.server.disabled) toStart.push(name);
        } else if (change.kind === 'removed') {
          removing = [...removing, name];
          leave(name);
          enqueue.sendTo(serverActorId(name), { type: 'server.stop' });
        } else if (change.kind === 'replaced') {
          // The old process stops the usual way; the new definition starts once it has, if it was wanted
          // or has just been enabled (a client input that now has a value changes its env as well).
          const enabled = servers.find((server) => server.spec.name === name)?.disabled === true;
          const wanted = enabled || waiting.some((w) => w.name === name) || wantsToRun(system, name);
          replacing = [...replacing, { server: change.server, start: !change.server.disabled && wanted }];
          leave(name);
          enqueue.sendTo(serverActorId(name), { type: 'server.stop' });
        } else {
          enqueue.sendTo(serverActorId(name), { type: 'server.configure', policy: change.server.policy });
          servers = servers.map((server) => (server.spec.name === name ? change.server : server));
          const held = waiting.some((w) => w.name === name);
          if (change.server.disabled) {
            waiting = waiting.filter((w) => w.name !== name);
            if (!isDown(state)) enqueue.sendTo(serverActorId(name), { type: 'server.stop' });
          } else if (held || (isDown(state) && change.detail.includes('enabled'))) {
            // Its dependencies may have changed: judged again below.
            waiting = waiting.filter((w) => w.name !== name);
            toStart.push(name);
          }
        }
      }
      // In the new config's order; members on their way out last, until they are gone.
      const order = new Map(event.servers.map((server, index) => [server.spec.name, index]));
      servers = [...servers].sort((a, b) => (order.get(a.spec.name) ?? order.size) - (order.get(b.spec.name) ?? order.size));
      waiting = [...waiting, ...orderStarts({ servers }, toStart, 'start', enqueue, system)];
      enqueue.assign({ servers, groups: event.groups, removing, replacing, waiting, stopAfter });
    }),
    stopAll: enqueueActions(({ context, enqueue, system }) => {
      const names = context.servers.map((server) => server.spec.name);
      enqueue.assign({ pending: names, waiting: [], stopAfter: orderStops(context, names, enqueue, system) });
    }),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    servers: input.servers,
    groups: input.groups ?? [],
    waiting: [],
    stopAfter: [],
    removing: [],
    replacing: [],
    pending: [],
  }),
  entry: 'spawnServers',
  initial: 'supervising',
  states: {
    supervising: {
      invoke: {
        id: '@orch/sampler',
        src: 'sampler',
        // A failing sampler loses the figures, never the servers.
        onError: {},
      },
      on: {
        'servers.start': { actions: 'command' },
        'servers.stop': { actions: 'command' },
        'servers.restart': { actions: 'command' },
        'supervisor.reconfigure': { actions: 'reconfigure' },
        'session.open': { actions: 'openSession' },
        'session.close': { actions: 'closeSession' },
        'server.ready': { actions: 'serverReady' },
        'server.settled': { actions: 'serverSettled' },
        'supervisor.shutdown': 'shuttingDown',
      },
    },
    shuttingDown: {
      entry: 'stopAll',
      always: { guard: 'nothingPending', target: 'done' },
      on: { 'server.settled': { actions: 'serverSettled' } },
      // Each server's stop has deadlines of its own; this one only guards against a bug there.
      after: { shutdownDeadline: 'done' },
    },
    // Final: the system stops its children, whose cleanups kill any process group still alive.
    done: { type: 'final' },
  },
});

/** The members a command can mean: not those on their way out, nor the gateway's per-session ones. */
export function commandable(context: Pick<SupervisorContext, 'servers' | 'removing'>): SupervisedServer[] {
  return context.servers.filter((server) => server.sessionOf === undefined && !context.removing.includes(server.spec.name));
}
