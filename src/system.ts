/**
 * The composition root: provides the real actors to the machines, creates the one actor system, and
 * wires inspection to the logs. The monitor (and later the daemon) boot orch through here alone.
 */
import { randomBytes } from 'node:crypto';
import type { ConsolaInstance } from 'consola';
import { createActor, toPromise, type ActorRefFrom } from 'xstate';
import { createProcessActor, type GroupRecorder } from './actors/process.actor.js';
import { createSamplerActor } from './actors/sampler.actor.js';
import { createSamplerPool } from './metrics/sampler-pool.js';
import type { OrchConfig } from './config/load.js';
import { OrchError } from './errors.js';
import type { OrchHome } from './home.js';
import { EventLog } from './logs/event-log.js';
import { ServerLogs } from './logs/server-logs.js';
import { serverMachine } from './machines/server.machine.js';
import type { ServerSnapshot } from './machines/server.state.js';
import { serverActorId, shutdownDeadlineMs, supervisorMachine, type SupervisorEvent } from './machines/supervisor.machine.js';
import { ResourceHistory } from './metrics/history.js';
import { serverMark } from './os/marked.js';
import { StorageProblems } from './storage/problems.js';
import type { ResourceSample } from './machines/server.types.js';
import { serverDetail, serverStatus, type ServerDetail, type ServerStatus } from './status.js';
import { createTransitionInspector, type Transition } from './transitions.js';
import { VERSION } from './version.js';

export interface OrchestratorOptions {
  config: OrchConfig;
  /** Where logs and events are written; without it they stay in memory. */
  home?: OrchHome;
  logger: ConsolaInstance;
  onTransition?: (transition: Transition) => void;
  groups?: GroupRecorder;
  /** Where files that cannot be written are reported; the daemon shares one with its state files. */
  problems?: StorageProblems;
  /**
   * Names this supervisor in the environment marker of its servers' processes (the daemon derives it
   * from ORCH_HOME, so the next daemon finds what a dead one left); random by default.
   */
  owner?: string;
  /** The actor system failed anyway (a bug): every server was stopped. The daemon exits then. */
  onFailure?: (error: unknown) => void;
}

/** An hour of history at the configured sampling rate, within bounds that keep memory predictable. */
function historyCapacity(sampleIntervalMs: number): number {
  return Math.min(3_600, Math.max(60, Math.round(3_600_000 / sampleIntervalMs)));
}

export type SupervisorActor = ActorRefFrom<typeof supervisorMachine>;

export interface Orchestrator {
  readonly supervisor: SupervisorActor;
  readonly logs: ServerLogs;
  readonly events: EventLog;
  readonly history: ResourceHistory;
  names(): string[];
  snapshot(name: string): ServerSnapshot;
  status(name: string): ServerStatus;
  statuses(): ServerStatus[];
  detail(name: string, transitions?: number): ServerDetail;
  stateValue(name: string): unknown;
  /** Every transition as it happens; returns the unsubscribe. */
  subscribe(listener: (transition: Transition) => void): () => void;
  start(names?: string[]): void;
  stop(names?: string[]): void;
  restart(names?: string[]): void;
  /** Stops every server (in parallel, within their deadlines), then the actor system. */
  shutdown(): Promise<void>;
}

/** Beyond the supervisor's own deadline: if even that fails, stopping the system kills every group. */
const SHUTDOWN_BACKSTOP_MS = 2_000;

export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const { config, home, logger } = options;
  const problems = options.problems ?? new StorageProblems();
  const owner = options.owner ?? randomBytes(6).toString('hex');
  const logs = new ServerLogs({ dir: home?.logsDir, problems });
  const events = new EventLog({ path: home?.eventsFile, problems });
  const processActor = createProcessActor({
    logs,
    clientInfo: { name: 'orch', version: VERSION },
    groups: options.groups,
    owner,
  });
  const listeners = new Set<(transition: Transition) => void>();
  const disabled = new Set(config.servers.filter((server) => server.disabled).map((server) => server.name));

  const history = new ResourceHistory(historyCapacity(config.sampleIntervalMs));
  const latest = new Map<string, { pid: number; sample: ResourceSample }>();
  const pool = createSamplerPool();
  const sampler = createSamplerActor({
    pool,
    intervalMs: config.sampleIntervalMs,
    onSample: (name, pid, sample, at) => {
      latest.set(name, { pid, sample });
      history.record(name, at, sample, snapshot(name).context.lastPingMs);
    },
    markOf: (name) => serverMark(owner, name),
    onEscaped: (name, pid) =>
      logs.append(name, 'orch', `pid ${pid} left the process group; it is still counted and will be stopped`),
    onError: (error) => logger.warn('a resource sample failed', error),
  });
  const machine = supervisorMachine.provide({
    actors: { server: serverMachine.provide({ actors: { process: processActor } }), sampler },
  });
  const inspect = createTransitionInspector((transition) => {
    try {
      events.append(transition);
      options.onTransition?.(transition);
      for (const listener of listeners) listener(transition);
    } catch (error) {
      logger.error('could not record a transition', error);
    }
  });
  const supervisor = createActor(machine, {
    systemId: 'supervisor',
    input: {
      servers: config.servers.map(({ name, command, args, env, cwd, policy, disabled }) => ({
        spec: { name, command, args, env, cwd },
        policy,
        disabled,
      })),
    },
    inspect,
  });
  // Without an error observer, an error reaching the root would exit the process.
  supervisor.subscribe({
    error: (error) => {
      logger.error('the supervisor failed; every server was stopped', error);
      options.onFailure?.(error);
    },
  });
  supervisor.start();

  const allNames = config.servers.map((server) => server.name);
  const known = new Set(allNames);
  const names = () => [...allNames];
  const check = (requested: string[] | undefined) => {
    const unknown = requested?.filter((name) => !known.has(name)) ?? [];
    if (unknown.length > 0) {
      throw new OrchError(
        'UNKNOWN_SERVER',
        `unknown server${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${names().join(', ') || 'none'})`,
        { unknown, known: names() },
      );
    }
  };
  const command = (type: Exclude<SupervisorEvent['type'], 'supervisor.shutdown' | 'server.settled'>) => (requested?: string[]) => {
    check(requested);
    supervisor.send({ type, names: requested?.length ? requested : undefined });
  };
  let shutdown: Promise<void> | undefined;
  const snapshot = (name: string) => {
    check([name]);
    return supervisor.getSnapshot().children[serverActorId(name)]!.getSnapshot() as ServerSnapshot;
  };
  const status = (name: string) => {
    const current = snapshot(name);
    const measured = latest.get(name);
    // Figures of an earlier process of this server are not this one's.
    const sample = measured && measured.pid === current.context.pid ? measured.sample : null;
    return serverStatus(current, { disabled: disabled.has(name), sample });
  };

  return {
    supervisor,
    logs,
    events,
    history,
    names,
    snapshot,
    status,
    statuses: () => names().map(status),
    detail: (name, transitions = 50) =>
      serverDetail(status(name), snapshot(name), events.list({ server: name, limit: transitions }), history.series(name)),
    stateValue: (name) => snapshot(name).value,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: command('servers.start'),
    stop: command('servers.stop'),
    restart: command('servers.restart'),
    shutdown() {
      shutdown ??= (async () => {
        const done = toPromise(supervisor).catch(() => undefined);
        supervisor.send({ type: 'supervisor.shutdown' });
        const deadline = shutdownDeadlineMs(config.servers.map((server) => server.policy)) + SHUTDOWN_BACKSTOP_MS;
        let backstop: NodeJS.Timeout | undefined;
        await Promise.race([
          done,
          new Promise((resolve) => {
            backstop = setTimeout(resolve, deadline);
          }),
        ]);
        clearTimeout(backstop);
        supervisor.stop();
        await Promise.all([logs.close(), events.close(), pool.close()]);
      })();
      return shutdown;
    },
  };
}
