/**
 * The root of the actor system: one server actor per configured server, one_for_one (a server's
 * failure touches no other), and a shutdown that stops every server in parallel within a deadline.
 */
import { assign, enqueueActions, fromCallback, setup } from 'xstate';
import type { Policy } from '../config/policy.js';
import { serverMachine } from './server.machine.js';
import type { ServerCommandEvent, ServerSettledEvent, ServerSpec } from './server.types.js';

export interface SupervisedServer {
  spec: ServerSpec;
  policy: Policy;
  disabled: boolean;
}

export interface SupervisorInput {
  servers: SupervisedServer[];
}

export interface SupervisorContext {
  servers: SupervisedServer[];
  /** Servers still stopping during a shutdown. */
  pending: string[];
}

/** `names` absent means every server; for `servers.start`, every enabled one. */
export type SupervisorEvent =
  | { type: 'servers.start'; names?: string[] }
  | { type: 'servers.stop'; names?: string[] }
  | { type: 'servers.restart'; names?: string[] }
  | { type: 'supervisor.shutdown' }
  | ServerSettledEvent;

const FORWARDED = {
  'servers.start': 'server.start',
  'servers.stop': 'server.stop',
  'servers.restart': 'server.restart',
} as const satisfies Record<string, ServerCommandEvent['type']>;

/**
 * A server actor's id among the supervisor's children, and its systemId. Prefixed, because a
 * server may be named `__proto__` or `constructor` and `snapshot.children` is a plain object.
 */
export function serverActorId(name: string): string {
  return `server:${name}`;
}

/** Slack beyond the slowest server's own stop deadline before the shutdown stops waiting. */
const SHUTDOWN_SLACK_MS = 1_000;

/** The longest any server may take to stop (grace, SIGTERM wait, SIGKILL wait), plus slack. */
export function shutdownDeadlineMs(policies: Pick<Policy, 'stop'>[]): number {
  return Math.max(0, ...policies.map(({ stop }) => stop.graceMs + 2 * stop.killTimeoutMs)) + SHUTDOWN_SLACK_MS;
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
    sampler: fromCallback<{ type: string }, { servers: string[] }>(() => {}),
  },
  delays: {
    shutdownDeadline: ({ context }) => shutdownDeadlineMs(context.servers.map((server) => server.policy)),
  },
  guards: {
    nothingPending: ({ context }) => context.pending.length === 0,
  },
  actions: {
    spawnServers: enqueueActions(({ context, enqueue }) => {
      for (const { spec, policy } of context.servers) {
        const id = serverActorId(spec.name);
        enqueue.spawnChild('server', { id, systemId: id, input: { spec, policy } });
      }
    }),
    forward: enqueueActions(({ context, event, enqueue }) => {
      if (!(event.type in FORWARDED)) return;
      const { type, names } = event as { type: keyof typeof FORWARDED; names?: string[] };
      const known = new Set(context.servers.map((server) => server.spec.name));
      const targets =
        names?.filter((name) => known.has(name)) ??
        context.servers.filter((server) => type !== 'servers.start' || !server.disabled).map((s) => s.spec.name);
      for (const name of targets) enqueue.sendTo(serverActorId(name), { type: FORWARDED[type] });
    }),
    stopAll: enqueueActions(({ context, enqueue }) => {
      enqueue.assign({ pending: context.servers.map((server) => server.spec.name) });
      for (const { spec } of context.servers) enqueue.sendTo(serverActorId(spec.name), { type: 'server.stop' });
    }),
    markSettled: assign(({ context, event }) =>
      event.type === 'server.settled' ? { pending: context.pending.filter((name) => name !== event.name) } : {},
    ),
  },
}).createMachine({
  id: 'supervisor',
  context: ({ input }) => ({ servers: input.servers, pending: [] }),
  entry: 'spawnServers',
  initial: 'supervising',
  states: {
    supervising: {
      invoke: {
        id: '@orch/sampler',
        src: 'sampler',
        input: ({ context }) => ({ servers: context.servers.map((server) => server.spec.name) }),
        // A failing sampler loses the figures, never the servers.
        onError: {},
      },
      on: {
        'servers.start': { actions: 'forward' },
        'servers.stop': { actions: 'forward' },
        'servers.restart': { actions: 'forward' },
        'supervisor.shutdown': 'shuttingDown',
      },
    },
    shuttingDown: {
      entry: 'stopAll',
      always: { guard: 'nothingPending', target: 'done' },
      on: { 'server.settled': { actions: 'markSettled' } },
      // Each server's stop has deadlines of its own; this one only guards against a bug there.
      after: { shutdownDeadline: 'done' },
    },
    // Final: the system stops its children, whose cleanups kill any process group still alive.
    done: { type: 'final' },
  },
});
