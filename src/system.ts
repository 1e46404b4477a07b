/**
 * The composition root: provides the real actors to the machines, creates the one actor system, and
 * wires inspection to the logs. The monitor (and later the daemon) boot orch through here alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ConsolaInstance } from 'consola';
import { createActor, toPromise, type ActorRefFrom } from 'xstate';
import { createProcessActor, type GroupRecorder } from './actors/process.actor.js';
import { createSamplerActor } from './actors/sampler.actor.js';
import { createSamplerPool } from './metrics/sampler-pool.js';
import type { OrchConfig, ServerDefinition } from './config/load.js';
import { OrchError } from './errors.js';
import type { OrchHome } from './home.js';
import { EventLog } from './logs/event-log.js';
import { ServerLogs } from './logs/server-logs.js';
import { serverMachine } from './machines/server.machine.js';
import { serverStateName, type ServerSnapshot } from './machines/server.state.js';
import { allowedActions, type ServerAction } from './machines/actions.js';
import {
  dependencyDepth,
  planReconfigure,
  resolveTargets,
  type ReloadChange,
  type ServerGroup,
  type SupervisedServer,
} from './machines/membership.js';
import { commandable, serverActorId, shutdownDeadlineMs, supervisorMachine } from './machines/supervisor.machine.js';
import { ResourceHistory } from './metrics/history.js';
import { serverMark } from './os/marked.js';
import { StorageProblems } from './storage/problems.js';
import type { ResourceSample, ToolsAnswer } from './machines/server.types.js';
import { remoteDetail, remoteStatus, serverDetail, serverStatus, type ServerDetail, type ServerStatus } from './status.js';
import { createTransitionInspector, type Transition } from './transitions.js';
import { describeServer, DESCRIBED_TRANSITIONS, type ServerDescription } from './description.js';
import { rotatedPaths } from './logs/flush.js';
import { findMarked } from './os/marked.js';
import { processTree } from './os/tree-info.js';
import { VERSION } from './version.js';
import { CallStats } from './gateway/call-stats.js';
import { Gateway } from './gateway/gateway.js';
import { SessionIds } from './gateway/session-ids.js';
import { formatLatency } from './format.js';
import { proxyRemote, type RemoteEndpoint } from './remote/proxy.js';
import { Remotes } from './remote/remotes.js';

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
  /** Signs the gateway's session ids; the daemon keeps its key in `$ORCH_HOME` so sessions outlive it. */
  sessionIds?: SessionIds;
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
  /** The MCP endpoint's sessions and routing (`/mcp/NAME`), and what became of each call. */
  readonly gateway: Gateway;
  readonly calls: CallStats;
  /** The config's remote servers, probed on their own schedule. */
  readonly remotes: Remotes;
  /** `/mcp/NAME` for a remote server: proxied to it; undefined for a name that is no remote. */
  readonly remoteEndpoint: RemoteEndpoint;
  names(): string[];
  snapshot(name: string): ServerSnapshot;
  status(name: string): ServerStatus;
  statuses(): ServerStatus[];
  detail(name: string, transitions?: number): ServerDetail;
  /** The detail, its tools (asked over its MCP link, within its health timeout), its process tree and log files. */
  describe(name: string): Promise<ServerDescription>;
  stateValue(name: string): unknown;
  /** Every transition as it happens; returns the unsubscribe. */
  subscribe(listener: (transition: Transition) => void): () => void;
  start(names?: string[]): ActionResult;
  stop(names?: string[]): ActionResult;
  restart(names?: string[]): ActionResult;
  /** Applies a new config (the same file re-read, or another): what changed, server by server. */
  reload(config: OrchConfig): ReloadChange[];
  /** The config file in use. */
  configPath(): string;
  groups(): ServerGroup[];
  /** Why a server at rest stays so (shown as its reason until it moves). */
  explain(name: string, reason: string): void;
  /** Stops every server (dependents first, within their deadlines), then the actor system. */
  shutdown(): Promise<void>;
}

export type { ReloadChange } from './machines/membership.js';

export interface ActionResult {
  /** The servers the command was for, as the supervisor resolved it (`@group`, dependencies). */
  acted: string[];
  notes: string[];
  servers: ServerStatus[];
}

/** A config's servers as the supervisor's members. */
export function supervisedServers(config: Pick<OrchConfig, 'servers'>): SupervisedServer[] {
  return config.servers.map((server: ServerDefinition) => ({
    spec: { name: server.name, command: server.command, args: server.args, env: server.env, cwd: server.cwd },
    policy: server.policy,
    disabled: server.disabled,
    dependsOn: server.dependsOn,
    ...(server.unavailable !== undefined && { unavailable: server.unavailable }),
  }));
}

/** Beyond the supervisor's own deadline: if even that fails, stopping the system kills every group. */
const SHUTDOWN_BACKSTOP_MS = 2_000;

export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  const { config, home, logger } = options;
  const problems = options.problems ?? new StorageProblems();
  const owner = options.owner ?? randomBytes(6).toString('hex');
  const logs = new ServerLogs({ dir: home?.logsDir, problems });
  const events = new EventLog({ path: home?.eventsFile, problems });
  const calls = new CallStats();
  const gateway = new Gateway({
    policy: (name) => members().find((server) => server.spec.name === name)?.policy.gateway,
    // Asked on every forwarded request: the state alone, not the whole status with its figures.
    state: (name) => {
      const current = snapshot(name);
      const state = serverStateName(current);
      const disabled = state === 'stopped' && members().find((server) => server.spec.name === name)?.disabled === true;
      return { state: disabled ? 'disabled' : state, reason: current.context.reason };
    },
    log: (name, text) => logs.append(name, 'orch', text),
    record: (call) => calls.record(call),
    ids: options.sessionIds ?? SessionIds.ephemeral(),
    openMember: (name) => {
      const base = members().find((server) => server.spec.name === name && server.sessionOf === undefined);
      if (!base) throw unknownServer([name]);
      const member = `${name}#${randomBytes(4).toString('hex')}`;
      supervisor.send({ type: 'session.open', server: { ...base, spec: { ...base.spec, name: member }, disabled: false, sessionOf: name } });
      return member;
    },
    closeMember: (member) => supervisor.send({ type: 'session.close', name: member }),
  });
  const processActor = createProcessActor({
    logs,
    clientInfo: { name: 'orch', version: VERSION },
    groups: options.groups,
    owner,
    links: gateway,
  });
  const listeners = new Set<(transition: Transition) => void>();
  let configPath = config.path;
  const remotes = new Remotes({
    changed: (name, reading) => {
      if (reading.reachable) logger.info(`${name}: remote reachable (${formatLatency(reading.lastPingMs ?? 0)})`);
      else logger.warn(`${name}: remote unreachable: ${reading.lastError}`);
    },
  });
  remotes.update(config.remote);
  const isRemote = (name: string) => remotes.find(name) !== undefined;

  const history = new ResourceHistory(historyCapacity(config.sampleIntervalMs));
  const latest = new Map<string, { pid: number; sample: ResourceSample }>();
  const pool = createSamplerPool({ intervalMs: config.sampleIntervalMs });
  const sampler = createSamplerActor({
    pool,
    intervalMs: config.sampleIntervalMs,
    onSample: (name, pid, sample, at) => {
      // A tick that began before a reload removed the server: its figures are no one's.
      const child = supervisor.getSnapshot().children[serverActorId(name)];
      if (!child) return;
      latest.set(name, { pid, sample });
      history.record(name, at, sample, (child.getSnapshot() as ServerSnapshot).context.lastPingMs);
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
      gateway.stateChanged(transition.server);
      options.onTransition?.(transition);
      for (const listener of listeners) listener(transition);
    } catch (error) {
      logger.error('could not record a transition', error);
    }
  });
  const supervisor = createActor(machine, {
    systemId: 'supervisor',
    input: { servers: supervisedServers(config), groups: config.groups },
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

  const members = () => supervisor.getSnapshot().context.servers;
  /** Config order, each per-session server followed by its sessions' members. */
  const memberNames = () => {
    const all = members();
    return all
      .filter((server) => server.sessionOf === undefined)
      .flatMap((server) => [server.spec.name, ...all.filter((other) => other.sessionOf === server.spec.name).map((other) => other.spec.name)]);
  };
  // A server that is no longer a member takes its figures with it; its log files stay.
  let knownMembers = new Set(memberNames());
  supervisor.subscribe({
    next: ({ context }) => {
      if (context.servers.length === knownMembers.size && context.servers.every((s) => knownMembers.has(s.spec.name))) return;
      const now = new Set(context.servers.map((server) => server.spec.name));
      for (const name of knownMembers) {
        if (now.has(name)) continue;
        history.forget(name);
        logs.forget(name);
        latest.delete(name);
        gateway.forget(name);
        calls.forget(name);
      }
      knownMembers = now;
    },
    error: () => {},
  });
  const names = () => [...memberNames(), ...remotes.list().map((server) => server.name)];
  const unknownServer = (unknown: string[]) => {
    const groups = supervisor.getSnapshot().context.groups.map((group) => `@${group.name}`);
    const known = [...names(), ...groups];
    return new OrchError(
      'UNKNOWN_SERVER',
      `unknown server${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`,
      { unknown, known },
    );
  };
  const command = (action: ServerAction) => (requested?: string[]): ActionResult => {
    const names = requested?.length ? requested : undefined;
    const { context } = supervisor.getSnapshot();
    // The same rule the supervisor applies to the event, read here to answer with what it acted on.
    const targets = resolveTargets(commandable(context), context.groups, action, names);
    const notRemote = targets.unknown.filter((name) => !isRemote(name));
    if (notRemote.length > 0) throw unknownServer(notRemote);
    const notes = [
      ...targets.notes,
      ...targets.unknown.map((name) => `${name} is a remote server: orch lists it, and does not run it`),
    ];
    // A server named in a state where the action table says the action does nothing is told so.
    for (const name of targets.names) {
      const state = status(name).state;
      if (names?.includes(name) && !allowedActions(state).includes(action)) notes.push(`${name} is ${state}: nothing to ${action}`);
    }
    supervisor.send({ type: `servers.${action}`, names });
    const acted = [...targets.alsoStart, ...targets.names];
    return { acted, notes, servers: acted.map(status) };
  };
  let shutdown: Promise<void> | undefined;
  const detail = (name: string, transitions = 50) => {
    const far = remotes.find(name);
    if (far) return remoteDetail(status(name), far, remotes.reading(name));
    return serverDetail(status(name), snapshot(name), events.list({ server: name, limit: transitions }), history.series(name));
  };
  /** Asked of the process actor, which owns the link; the backstop covers an actor stopped before it answers. */
  const tools = (name: string, timeoutMs: number): Promise<ToolsAnswer> => {
    const actor = snapshot(name).children.process;
    if (!actor) return Promise.resolve({ error: `the server is ${status(name).state}` });
    return new Promise((resolve) => {
      const backstop = setTimeout(() => resolve({ error: `no answer within ${timeoutMs} ms` }), timeoutMs + 1_000);
      actor.send({
        type: 'tools.list',
        timeoutMs,
        reply: (answer) => {
          clearTimeout(backstop);
          resolve(answer);
        },
      });
    });
  };
  const snapshot = (name: string) => {
    const child = supervisor.getSnapshot().children[serverActorId(name)];
    if (!child) throw unknownServer([name]);
    return child.getSnapshot() as ServerSnapshot;
  };
  const status = (name: string) => {
    const far = remotes.find(name);
    if (far) return remoteStatus(far, remotes.reading(name));
    const current = snapshot(name);
    const measured = latest.get(name);
    // Figures of an earlier process of this server are not this one's.
    const sample = measured && measured.pid === current.context.pid ? measured.sample : null;
    const member = members().find((server) => server.spec.name === name);
    const found = serverStatus(current, { disabled: member?.disabled ?? false, sample });
    return member?.sessionOf === undefined ? found : { ...found, sessionOf: member.sessionOf };
  };
  const reload = (next: OrchConfig): ReloadChange[] => {
    const wanted = supervisedServers(next);
    const changes = planReconfigure(members(), wanted).map((change): ReloadChange => {
      if (change.kind === 'added') {
        return { server: change.server.spec.name, change: 'added', ...(change.server.disabled && { detail: 'disabled' }) };
      }
      if (change.kind === 'removed') return { server: change.name, change: 'removed' };
      const name = change.server.spec.name;
      const state = status(name).state;
      const down = state === 'stopped' || state === 'crashed' || state === 'disabled';
      if (change.kind === 'replaced') {
        const enabled = members().find((server) => server.spec.name === name)?.disabled === true && !change.server.disabled;
        return { server: name, change: enabled ? 'started' : down ? 'updated' : 'restarted', detail: change.detail };
      }
      if (change.detail.includes('disabled') && !down) return { server: name, change: 'stopped', detail: change.detail };
      if (change.detail.includes('enabled') && down) return { server: name, change: 'started', detail: change.detail };
      return { server: name, change: 'updated', detail: change.detail };
    });
    supervisor.send({ type: 'supervisor.reconfigure', servers: wanted, groups: next.groups });
    for (const server of next.servers) {
      if (server.unavailable) supervisor.getSnapshot().children[serverActorId(server.name)]?.send({ type: 'server.note', reason: server.unavailable });
    }
    for (const change of remotes.update(next.remote)) {
      // A remote's calls through orch go with it, as a server's do.
      if (change.change === 'removed') calls.forget(change.server);
      changes.push({ ...change, detail: 'remote' });
    }
    configPath = next.path;
    return changes;
  };

  return {
    supervisor,
    logs,
    events,
    history,
    gateway,
    calls,
    remotes,
    remoteEndpoint: (name, request) => {
      const far = remotes.find(name);
      return far && proxyRemote(far, request, { record: (call) => calls.record(call) });
    },
    names,
    snapshot,
    status,
    statuses: () => names().map(status),
    reload,
    configPath: () => configPath,
    groups: () => supervisor.getSnapshot().context.groups,
    explain: (name, reason) => supervisor.getSnapshot().children[serverActorId(name)]?.send({ type: 'server.note', reason }),
    detail,
    async describe(name) {
      if (isRemote(name)) throw new OrchError('BAD_REQUEST', `${name} is a remote server: orch has no process or tools of it to describe`);
      const described = detail(name, DESCRIBED_TRANSITIONS);
      const mark = serverMark(owner, name);
      const logFile = logs.filePath(name);
      return describeServer(described, {
        tools: await tools(name, described.policy.health.timeoutMs),
        processTree: described.pid === null ? [] : processTree(described.pid, findMarked((m) => m === mark)),
        logFiles: logFile ? rotatedPaths(logFile).filter((path) => existsSync(path)) : [],
      });
    },
    stateValue: (name) => snapshot(name).value,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: command('start'),
    stop: command('stop'),
    restart: command('restart'),
    shutdown() {
      shutdown ??= (async () => {
        const done = toPromise(supervisor).catch(() => undefined);
        gateway.closeAll();
        // Beside the servers' stops: ending the probes' sessions waits on the network.
        const remotesClosed = remotes.close();
        supervisor.send({ type: 'supervisor.shutdown' });
        const servers = members();
        const deadline =
          shutdownDeadlineMs(servers.map((server) => server.policy), dependencyDepth(servers)) + SHUTDOWN_BACKSTOP_MS;
        let backstop: NodeJS.Timeout | undefined;
        await Promise.race([
          done,
          new Promise((resolve) => {
            backstop = setTimeout(resolve, deadline);
          }),
        ]);
        clearTimeout(backstop);
        supervisor.stop();
        await Promise.all([logs.close(), events.close(), pool.close(), remotesClosed]);
      })();
      return shutdown;
    },
  };
}
