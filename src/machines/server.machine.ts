/**
 * One MCP server's lifecycle. Declaration only: the process actor is a stub here and is provided by
 * the composition root (`src/system.ts`) or by tests; every timing is a named delay read from the policy.
 */
import { and, assign, cancel, enqueueActions, fromCallback, raise, sendTo, setup } from 'xstate';
import { formatLatency } from '../format.js';
import { STATELESS_VERSION } from '../mcp/protocol.js';
import { backoffDelay } from './backoff.js';
import { describeExit, formatDuration, isConfigErrorExit, resourceProblem } from './describe.js';
import type {
  AfterStop,
  ProcessCommand,
  ProcessReportEvent,
  ServerContext,
  ServerEvent,
  ServerInput,
  ServerReadyEvent,
  ServerSettledEvent,
} from './server.types.js';

/** The id of the delayed `uptime.proven` event, cancelled when the process goes. */
const UPTIME_TIMER = 'minUptime';

export const serverMachine = setup({
  types: {
    context: {} as ServerContext,
    events: {} as ServerEvent,
    input: {} as ServerInput,
  },
  actors: {
    process: fromCallback<ProcessCommand, ServerInput, ProcessReportEvent>(() => {
      throw new Error('the process actor was not provided');
    }),
  },
  delays: {
    startTimeout: ({ context }) => context.policy.start.timeoutMs,
    probeInterval: ({ context }) => context.policy.health.intervalMs,
    probeTimeout: ({ context }) => context.policy.health.timeoutMs,
    grace: ({ context }) => context.policy.stop.graceMs,
    killTimeout: ({ context }) => context.policy.stop.killTimeoutMs,
    backoff: ({ context }) => context.recovery.nextDelayMs,
    restartWindow: ({ context }) => context.policy.restart.windowMs,
    resetAfter: ({ context }) => context.policy.restart.resetAfterMs,
    minUptime: ({ context }) => context.policy.restart.minUptimeMs,
  },
  guards: {
    fatalFailure: ({ context }) => context.failure?.fatal === true,
    restartBudgetSpent: ({ context }) => context.recovery.windowRestarts >= context.policy.restart.maxRestarts,
    /** A failed start, or an end soon after answering: what a crash loop looks like, as opposed to an occasional crash. */
    earlyFailure: ({ context }) => !context.recovery.provenUptime,
    currentProbe: ({ context, event }) => 'seq' in event && event.seq === context.probeSeq,
    failureThresholdReached: ({ context }) =>
      context.consecutiveFailures + 1 >= context.policy.health.failureThreshold,
    currentWindow: ({ context, event }) =>
      event.type === 'restart.expired' && event.generation === context.recovery.windowGeneration,
    hasRestartHistory: ({ context }) => context.recovery.windowRestarts > 0 || context.recovery.crashStreak > 0,
    afterStopIs: ({ context }, params: { value: AfterStop }) => context.afterStop === params.value,
    sampleOverLimit: ({ context, event }) =>
      event.type === 'resources.sample' && resourceProblem(context.policy.health, event) !== null,
    /** The latest sample is still over a limit: a good ping alone does not make the server healthy. */
    resourcesOverLimit: ({ context }) => resourceProblem(context.policy.health, context.resources) !== null,
  },
  actions: {
    setReason: assign((_, params: { reason: string }) => ({ reason: params.reason })),
    planStop: assign((_, params: { afterStop: AfterStop; reason: string }) => ({
      afterStop: params.afterStop,
      reason: params.reason,
    })),
    fail: assign((_, params: { reason: string; fatal?: boolean }) => ({
      failure: { reason: params.reason, fatal: params.fatal ?? false },
      lastError: params.reason,
    })),
    resetWindow: assign(({ context }) => ({
      recovery: { ...context.recovery, windowRestarts: 0, crashStreak: 0, windowGeneration: context.recovery.windowGeneration + 1 },
    })),
    countRestart: enqueueActions(({ context, enqueue }) => {
      const { recovery } = context;
      const delay = backoffDelay(recovery.crashStreak, context.policy.restart);
      const when = delay === 0 ? 'now' : `in ${formatDuration(delay)}`;
      const failure = context.failure?.reason ?? 'failed';
      const counted = !recovery.provenUptime;
      const attempt = recovery.windowRestarts + (counted ? 1 : 0);
      enqueue.assign({
        recovery: { ...recovery, windowRestarts: attempt, crashStreak: recovery.crashStreak + 1, nextDelayMs: delay },
        restarts: context.restarts + 1,
        reason: counted
          ? `${failure}; restart ${attempt}/${context.policy.restart.maxRestarts} ${when}`
          : `${failure}; restart ${when} (not counted: it ran over ${formatDuration(context.policy.restart.minUptimeMs)})`,
      });
      // Each counted restart leaves the window once `windowMs` has passed; a reset bumps the generation.
      if (counted) {
        enqueue.raise({ type: 'restart.expired', generation: recovery.windowGeneration }, { delay: 'restartWindow' });
      }
    }),
    expireRestart: assign(({ context }) => ({
      recovery: { ...context.recovery, windowRestarts: Math.max(0, context.recovery.windowRestarts - 1) },
    })),
    // A new process has not been checked yet: the last ping was the previous one's.
    recordSpawn: assign(({ event }) =>
      event.type === 'process.spawned' ? { pid: event.pid, pgid: event.pgid, startedAt: event.startedAt, lastPingMs: null } : {},
    ),
    recordExit: assign(({ event }) =>
      event.type === 'process.exited' ? { lastExit: { code: event.code, signal: event.signal } } : {},
    ),
    clearProcess: assign({
      pid: null,
      pgid: null,
      startedAt: null,
      consecutiveFailures: 0,
      resources: null,
    }),
    startUptimeClock: raise({ type: 'uptime.proven' } satisfies ServerEvent, { delay: 'minUptime', id: UPTIME_TIMER }),
    stopUptimeClock: cancel(UPTIME_TIMER),
    proveUptime: assign(({ context }) => ({ recovery: { ...context.recovery, provenUptime: true } })),
    // Kept after the process ends, so `failing` and `backoff` can tell an occasional crash from a loop.
    forgetUptime: assign(({ context }) => ({ recovery: { ...context.recovery, provenUptime: false } })),
    recordResources: assign(({ event }) =>
      event.type === 'resources.sample'
        ? { resources: { cpuPercent: event.cpuPercent, memoryBytes: event.memoryBytes, processes: event.processes } }
        : {},
    ),
    recordReady: assign(({ context, event }) => {
      if (event.type !== 'mcp.ready') return {};
      const { protocol, elapsedMs } = event;
      const who = [protocol.serverInfo.name, protocol.serverInfo.version].filter(Boolean).join(' ');
      return {
        protocol,
        failure: null,
        reason: `pid ${context.pid ?? '?'} ready in ${Math.round(elapsedMs)} ms (${who ? `${who}, ` : ''}MCP ${protocol.protocolVersion})`,
      };
    }),
    recordNoise: assign(({ event }) => (event.type === 'process.noise' ? { noiseLines: event.total } : {})),
    // No assign here: the number moves on when the check is judged, in the assign that judges it.
    sendProbe: sendTo('process', ({ context }) => ({ type: 'probe.check', seq: context.probeSeq }) satisfies ProcessCommand),
    recordPing: assign(({ context, event }) => {
      if (event.type !== 'probe.ok') return {};
      const probeSeq = context.probeSeq + 1;
      if (resourceProblem(context.policy.health, context.resources) !== null) return { probeSeq, lastPingMs: event.latencyMs };
      const recovered = context.consecutiveFailures > 0;
      return {
        probeSeq,
        lastPingMs: event.latencyMs,
        consecutiveFailures: 0,
        ...(recovered && { reason: `${livenessCheckName(context)} answered in ${formatLatency(event.latencyMs)}` }),
      };
    }),
    recordFailedCheck: assign(({ context }, params: { reason: string }) => {
      const failures = context.consecutiveFailures + 1;
      const counted = `${params.reason} (${failures}/${context.policy.health.failureThreshold})`;
      return { probeSeq: context.probeSeq + 1, consecutiveFailures: failures, lastError: params.reason, reason: counted };
    }),
    planRecovery: assign(({ context }) => ({
      afterStop: 'recover' as const,
      failure: { reason: context.reason, fatal: false },
      reason: `${context.reason}: restarting`,
    })),
    closeStdin: sendTo('process', { type: 'process.closeStdin' } satisfies ProcessCommand),
    signalGroup: sendTo('process', (_, params: { signal: NodeJS.Signals }) => ({
      type: 'process.signal' as const,
      signal: params.signal,
    })),
    reportSettled: enqueueActions(({ context, system, enqueue }) => {
      const supervisor = system.get('supervisor');
      const settled: ServerSettledEvent = { type: 'server.settled', name: context.spec.name };
      if (supervisor) enqueue.sendTo(supervisor, settled);
    }),
    reportReady: enqueueActions(({ context, system, enqueue }) => {
      const supervisor = system.get('supervisor');
      const ready: ServerReadyEvent = { type: 'server.ready', name: context.spec.name };
      if (supervisor) enqueue.sendTo(supervisor, ready);
    }),
    configure: assign(({ event }) => (event.type === 'server.configure' ? { policy: event.policy } : {})),
    note: assign(({ event }) => (event.type === 'server.note' ? { reason: event.reason } : {})),
  },
}).createMachine({
  id: 'server',
  context: ({ input }) => ({
    spec: input.spec,
    policy: input.policy,
    pid: null,
    pgid: null,
    startedAt: null,
    restarts: 0,
    recovery: { windowRestarts: 0, crashStreak: 0, provenUptime: false, windowGeneration: 0, nextDelayMs: 0 },
    lastExit: null,
    lastError: null,
    lastPingMs: null,
    consecutiveFailures: 0,
    probeSeq: 0,
    protocol: null,
    noiseLines: 0,
    resources: null,
    afterStop: 'stay-stopped',
    failure: null,
    reason: 'not started yet',
  }),
  initial: 'stopped',
  on: {
    'restart.expired': { guard: 'currentWindow', actions: 'expireRestart' },
    // Takes effect from the next timer on: a running process keeps running.
    'server.configure': { actions: 'configure' },
  },
  states: {
    stopped: {
      entry: 'reportSettled',
      on: {
        'server.start': { target: 'active', actions: ['resetWindow', reason('start requested')] },
        'server.restart': { target: 'active', actions: ['resetWindow', reason('restart requested')] },
        'server.stop': { actions: 'reportSettled' },
        'server.note': { actions: 'note' },
      },
    },
    active: {
      invoke: {
        id: 'process',
        src: 'process',
        input: ({ context }) => ({ spec: context.spec, policy: context.policy }),
        onError: {
          target: 'failing',
          actions: { type: 'fail', params: ({ event }) => ({ reason: `process actor failed: ${String(event.error)}` }) },
        },
      },
      entry: 'forgetUptime',
      exit: ['stopUptimeClock', 'clearProcess'],
      initial: 'starting',
      on: {
        'uptime.proven': { actions: 'proveUptime' },
        'process.spawned': { actions: 'recordSpawn' },
        'process.noise': { actions: 'recordNoise' },
        'resources.sample': { actions: 'recordResources' },
        'process.failed': {
          target: 'failing',
          actions: { type: 'fail', params: ({ event }) => ({ reason: event.error, fatal: event.fatal }) },
        },
        'process.exited': {
          target: 'failing',
          actions: ['recordExit', { type: 'fail', params: ({ event }) => exitFailure(event.code, event.signal) }],
        },
        'server.stop': {
          target: '.stopping',
          actions: { type: 'planStop', params: { afterStop: 'stay-stopped', reason: 'stop requested' } },
        },
        'server.restart': {
          target: '.stopping',
          actions: { type: 'planStop', params: { afterStop: 'start', reason: 'restart requested' } },
        },
      },
      states: {
        starting: {
          on: {
            'mcp.ready': { target: 'running', actions: ['recordReady', 'startUptimeClock'] },
            'mcp.failed': {
              target: '#server.failing',
              actions: { type: 'fail', params: ({ event }) => ({ reason: `MCP handshake failed: ${event.error}` }) },
            },
            'process.exited': {
              target: '#server.failing',
              actions: [
                'recordExit',
                {
                  type: 'fail',
                  params: ({ event }) => {
                    const failure = exitFailure(event.code, event.signal);
                    return { ...failure, reason: `${failure.reason} while starting` };
                  },
                },
              ],
            },
          },
          after: {
            startTimeout: {
              target: '#server.failing',
              actions: {
                type: 'fail',
                params: ({ context }) => ({
                  reason: `no answer to the MCP handshake within ${context.policy.start.timeoutMs} ms`,
                }),
              },
            },
          },
        },
        running: {
          // On every way in, from `unhealthy` too: what waits for this server to run can start.
          entry: 'reportReady',
          after: { resetAfter: { guard: 'hasRestartHistory', actions: 'resetWindow' } },
          ...probeCycle(),
        },
        unhealthy: probeCycle(),
        stopping: {
          initial: 'closingStdin',
          on: {
            'server.stop': { actions: { type: 'planStop', params: { afterStop: 'stay-stopped', reason: 'stop requested' } } },
            'server.restart': { actions: { type: 'planStop', params: { afterStop: 'start', reason: 'restart requested' } } },
            'server.start': { actions: { type: 'planStop', params: { afterStop: 'start', reason: 'start requested' } } },
            'process.exited': afterStop(({ event }) =>
              event.type === 'process.exited' ? describeExit(event.code, event.signal) : 'exited',
            ),
            'process.failed': afterStop(({ event }) => (event.type === 'process.failed' ? event.error : 'failed')),
          },
          states: {
            // Closing stdin is the MCP spec's polite shutdown; many servers ignore it, hence the deadlines.
            closingStdin: {
              entry: 'closeStdin',
              after: { grace: 'terminating' },
            },
            terminating: {
              entry: { type: 'signalGroup', params: { signal: 'SIGTERM' } },
              after: { killTimeout: 'killing' },
            },
            killing: {
              entry: { type: 'signalGroup', params: { signal: 'SIGKILL' } },
              after: {
                killTimeout: afterStop(
                  ({ context }) => `still alive ${context.policy.stop.killTimeoutMs} ms after SIGKILL; abandoned`,
                ),
              },
            },
          },
        },
      },
    },
    // Transient: judges a failed start, a crash or a health restart, then leaves at once.
    failing: {
      always: [
        {
          guard: 'fatalFailure',
          target: 'crashed',
          actions: reason(({ context }) => `${context.failure?.reason}: not restarting`),
        },
        {
          guard: and(['earlyFailure', 'restartBudgetSpent']),
          target: 'crashed',
          actions: reason(
            ({ context }) =>
              `${context.failure?.reason}: gave up after ${context.recovery.windowRestarts} restarts within ${formatDuration(context.policy.restart.windowMs)}`,
          ),
        },
        { target: 'backoff', actions: 'countRestart' },
      ],
    },
    backoff: {
      after: {
        backoff: {
          target: 'active',
          actions: reason(({ context }) =>
            context.recovery.provenUptime
              ? 'restarting after an occasional crash'
              : `restart ${context.recovery.windowRestarts}/${context.policy.restart.maxRestarts}`,
          ),
        },
      },
      on: {
        'server.start': { target: 'active', actions: ['resetWindow', reason('start requested')] },
        'server.restart': { target: 'active', actions: ['resetWindow', reason('restart requested')] },
        'server.stop': { target: 'stopped', actions: reason('stop requested during backoff; no restart') },
      },
    },
    crashed: {
      entry: 'reportSettled',
      on: {
        'server.start': { target: 'active', actions: ['resetWindow', reason('start requested')] },
        'server.restart': { target: 'active', actions: ['resetWindow', reason('restart requested')] },
        'server.stop': { target: 'stopped', actions: reason('stop requested') },
        'server.note': { actions: 'note' },
      },
    },
  },
});

type Ctx = { context: ServerContext; event: ServerEvent };

function reason(text: string | ((args: Ctx) => string)) {
  return {
    type: 'setReason' as const,
    params: (args: Ctx) => ({ reason: typeof text === 'string' ? text : text(args) }),
  };
}

function exitFailure(code: number | null, signal: string | null) {
  return { reason: describeExit(code, signal), fatal: isConfigErrorExit(code) };
}

/** Where a finished stop leads: rest, a fresh start, or a judged restart after a failed health check. */
function afterStop(how: (args: Ctx) => string) {
  return [
    {
      guard: { type: 'afterStopIs' as const, params: { value: 'stay-stopped' as const } },
      target: '#server.stopped',
      actions: ['recordExit' as const, reason((args) => `stopped (${how(args)})`)],
    },
    {
      guard: { type: 'afterStopIs' as const, params: { value: 'start' as const } },
      target: '#server.active',
      reenter: true,
      actions: ['recordExit' as const, 'resetWindow' as const, reason((args) => `restarting (${how(args)})`)],
    },
    { target: '#server.failing', actions: 'recordExit' as const },
  ];
}

/** The health check loop shared by `running` and `unhealthy`: wait, ask, judge the answer. */
function probeCycle() {
  const failedCheck = (why: (args: Ctx) => string) => [
    {
      guard: 'failureThresholdReached' as const,
      target: '#server.active.stopping',
      actions: [{ type: 'recordFailedCheck' as const, params: (args: Ctx) => ({ reason: why(args) }) }, 'planRecovery' as const],
    },
    {
      target: '#server.active.unhealthy.waiting',
      actions: { type: 'recordFailedCheck' as const, params: (args: Ctx) => ({ reason: why(args) }) },
    },
  ];
  return {
    initial: 'waiting' as const,
    on: {
      // A sample over a limit counts as a failed check, toward the same threshold as the pings.
      'resources.sample': [
        ...failedCheck(({ context, event }) =>
          event.type === 'resources.sample' ? (resourceProblem(context.policy.health, event) ?? '') : '',
        ).map((transition) => ({
          ...transition,
          guard: transition.guard ? and(['sampleOverLimit', transition.guard]) : ('sampleOverLimit' as const),
          actions: ['recordResources' as const, ...[transition.actions].flat()],
        })),
        { actions: 'recordResources' as const },
      ],
    },
    states: {
      waiting: { after: { probeInterval: 'checking' as const } },
      checking: {
        entry: 'sendProbe' as const,
        on: {
          'probe.ok': [
            {
              guard: and(['currentProbe', 'resourcesOverLimit']),
              target: '#server.active.unhealthy.waiting',
              actions: 'recordPing' as const,
            },
            { guard: 'currentProbe' as const, target: '#server.active.running.waiting', actions: 'recordPing' as const },
          ],
          'probe.failed': failedCheck(({ event }) => (event.type === 'probe.failed' ? event.reason : 'check failed')).map(
            (transition) => ({
              ...transition,
              guard: transition.guard ? and(['currentProbe', transition.guard]) : ('currentProbe' as const),
            }),
          ),
        },
        after: {
          probeTimeout: failedCheck(
            ({ context }) => `${livenessCheckName(context)} timed out after ${context.policy.health.timeoutMs} ms`,
          ),
        },
      },
    },
  };
}

function livenessCheckName(context: ServerContext): string {
  return context.protocol?.generation === STATELESS_VERSION ? 'server/discover' : 'ping';
}
