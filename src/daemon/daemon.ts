/**
 * The daemon: the supervisor and the HTTP app in one long-running process, one per ORCH_HOME.
 * `orch start` runs it in the background; `orch monitor` runs it in the foreground with the
 * transition log on the terminal. It reaps what a dead predecessor left before it starts anything,
 * re-reads its config on `orch reload`, SIGHUP or (with `orchestrator.watch`) an edit, and remembers
 * which file it runs. Start-up acquires resources in named steps, each pushing its cleanup on one
 * list that every way out (shutdown, a failed start, a second Ctrl-C, an internal error) unwinds.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ConsolaInstance } from 'consola';
import { loadConfig, type OrchConfig } from '../config/load.js';
import { displayPath } from '../display-path.js';
import { errorMessage, fsReason, isOrchError, OrchError } from '../errors.js';
import { ensureHome, resolveHome } from '../home.js';
import { createApp } from '../http/app.js';
import { Sessions } from '../http/auth.js';
import type { ReloadResult, Supervision } from '../http/deps.js';
import { createOrchLogger } from '../logger.js';
import { formatDuration } from '../machines/describe.js';
import { CHANGE_MARK, type ReloadChange } from '../machines/membership.js';
import { ownerForHome } from '../os/marked.js';
import type { ServerStatus } from '../status.js';
import { StorageProblems } from '../storage/problems.js';
import { createOrchestrator, type ActionResult } from '../system.js';
import type { Transition } from '../transitions.js';
import { VERSION } from '../version.js';
import { createWebhooks, type Webhooks } from '../webhooks/webhooks.js';
import { rememberConfig } from './config-memory.js';
import { watchConfig } from './config-watch.js';
import { createSettleWatch } from './settle-watch.js';
import { removeDaemonInfo, readToken, writeDaemonInfo, type DaemonInfo } from './daemon-file.js';
import { SessionIds } from '../gateway/session-ids.js';
import { mcpPath } from '../gateway/types.js';
import { GroupRegistry, readGroupRecords, reapOrphans } from './groups.js';
import { acquireLock } from './lock.js';
import { writeReady } from './ready-signal.js';
import { createSelfHealth } from './self-health.js';
import { createToken } from './token.js';
import { WantedState } from './wanted.js';

export interface DaemonOptions {
  configPath: string;
  /** Already resolved from `--port`, `ORCH_PORT` or the config; 0 picks a free port. */
  port: number | undefined;
  host: string;
  /** The transition log on the terminal (`orch monitor`), or only in the log file (`orch start`). */
  foreground: boolean;
  /** `saved`: the servers the user last wanted running; `none`: wait to be told. */
  initial: 'saved' | 'none';
  /** The pipe of the `orch start` that launched this daemon (see ready-signal.ts). */
  readyFd?: number;
  /** Development mode (also NODE_ENV=development): the dashboard's statechart page. */
  dev?: boolean;
  /** How a transition is written to the log (and the terminal, in the foreground); the CLI owns the format. */
  printTransition(logger: ConsolaInstance, transition: Transition, nameWidth: number): void;
  /** In the foreground, once the first servers are up: what to do next, with a one-time dashboard link. */
  printHint?(logger: ConsolaInstance, servers: ServerStatus[], dashboardUrl: string): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** How long the hint waits for servers that do not come to rest (a slow `npx -y`, a blocked dependency). */
const HINT_WAIT_MS = 5_000;
/** How often gateway sessions are checked for idleness; `sessionIdleMs` is minutes, so a rough sweep is enough. */
const SESSION_SWEEP_MS = 30_000;

export async function runDaemon(options: DaemonOptions): Promise<void> {
  let config = await loadConfig(options.configPath);
  const home = ensureHome(resolveHome());
  const port = options.port ?? config.port;
  /** Every acquired resource's cleanup, undone last-in first-out by `teardown`. */
  const cleanups: (() => void | Promise<void>)[] = [];
  const teardown = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.warn(`could not clean up: ${fsReason(error)}`);
      }
    }
  };

  /** A step that fails unwinds what the steps before it acquired. */
  const step = async <T,>(acquire: () => T | Promise<T>): Promise<T> => {
    try {
      return await acquire();
    } catch (error) {
      await teardown();
      throw error;
    }
  };

  // Step: the lock, so that nothing below runs twice for one ORCH_HOME.
  const lock = mustWrite(home.lockFile, () =>
    acquireLock(
      home.lockFile,
      (pid) => `an orch daemon is already running for ${home.root} (pid ${pid}); see \`orch status\`, or stop it with \`orch shutdown\``,
    ),
  );
  // daemon.json goes with the lock: both say a daemon runs here.
  cleanups.push(() => {
    removeDaemonInfo(home.daemonFile);
    lock.release();
  });

  // Step: the log. Files orch cannot write are one warning line each and a line in /api/health.
  const problems = new StorageProblems({
    failed: (path, error) => logger.warn(`cannot write ${path}: ${error}; supervision goes on, and orch retries`),
    recovered: (path, afterMs) => logger.info(`${path} is written again (after ${formatDuration(afterMs)})`),
  });
  const { logger, close: closeLogger } = await createOrchLogger({
    file: home.orchestratorLog,
    terminal: options.foreground,
    problems,
  });
  cleanups.push(closeLogger, () => logger.info('every server is stopped; the daemon exits'));
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  // Step: end what a dead predecessor left running, before anything starts.
  const owner = ownerForHome(home.root);
  // Only a daemon that died leaves anything: its lock, and often its groups on record. Otherwise the
  // search of every process's environment for escaped ones (~20 ms on a busy machine) finds nothing.
  const predecessorDied = lock.tookOverStale || readGroupRecords(home.groupsFile).length > 0;
  const orphans = predecessorDied ? await reapOrphans(home.groupsFile, owner) : { groups: [], escaped: [] };
  for (const orphan of orphans.groups) {
    logger.warn(`ended process group ${orphan.pgid} of ${orphan.server}, left running by a daemon that died`);
  }
  if (orphans.escaped.length > 0) {
    logger.warn(`ended ${orphans.escaped.length} processes that had left their servers' groups, left running by a daemon that died: ${orphans.escaped.join(', ')}`);
  }
  const describeConfig = (current: OrchConfig) => {
    logger.info(`${current.servers.length} servers from ${displayPath(current.path)}, logs in ${home.logsDir}`);
    for (const server of current.remote) logger.info(`${server.name}: remote (${server.transport} ${server.url}), checked and reached through /mcp/${server.name}`);
  };
  logger.info(`orch ${VERSION} (pid ${process.pid})`);
  describeConfig(config);

  // Step: the supervisor.
  // Kept across restarts: MCP clients given the token for `/mcp/NAME` keep working when the daemon comes back.
  const token = await step(() => mustWrite(home.tokenFile, () => readToken(home.tokenFile) ?? createToken(home.tokenFile)));
  const sessionIds = await step(() => mustWrite(home.sessionKeyFile, () => SessionIds.load(home.sessionKeyFile)));
  const wanted = new WantedState(home.wantedFile, problems);
  cleanups.push(() => wanted.close());
  const groups = new GroupRegistry(home.groupsFile, problems);
  cleanups.push(() => groups.close());
  // Created once the orchestrator exists, since it reads restart counts from it.
  let webhooks: Webhooks | undefined;
  const settle = createSettleWatch();
  const orch = await step(() => createOrchestrator({
    config,
    home,
    logger,
    groups,
    problems,
    owner,
    sessionIds,
    onTransition: (transition) => {
      settle.seen(transition);
      options.printTransition(logger, transition, Math.max(0, ...orch.names().map((name) => name.length)));
      // A bug in webhooks must never reach the actor system.
      try {
        webhooks?.deliver(transition);
      } catch (error) {
        logger.error('a webhook delivery could not be queued', error);
      }
    },
    // A supervisor that failed supervises nothing: exit, so that `orch start` can bring a new daemon.
    onFailure: () => abandon(1),
  }));
  cleanups.push(() => orch.shutdown());
  const idleSessions = setInterval(() => orch.gateway.closeIdle(), SESSION_SWEEP_MS);
  cleanups.push(() => clearInterval(idleSessions));
  const hooks = createWebhooks(config.webhooks, {
    restartsOf: (name) => orch.snapshot(name).context.restarts,
    warn: (message) => logger.warn(message),
  });
  webhooks = hooks;
  cleanups.push(() => hooks.close());
  /** Stopping the actor system kills every process group at once; no server is left without a supervisor. */
  const abandon = (exitCode: number): never => {
    orch.supervisor.stop();
    for (const release of [() => removeDaemonInfo(home.daemonFile), () => lock.release()]) {
      try {
        release();
      } catch {
        // A read-only disk must not keep a failed daemon from ending.
      }
    }
    process.exit(exitCode);
  };
  process.on('uncaughtException', (error) => {
    logger.error('orch hit an internal error and is stopping every server', error);
    abandon(1);
  });

  const remember = (result: ActionResult, wish: 'started' | 'stopped') => {
    wanted.record(result.acted, wish);
    return result;
  };
  let stopWatching: (() => void) | undefined;
  const watch = () => {
    stopWatching?.();
    stopWatching = config.watch ? watchConfig(config.path, () => void reload(undefined, 'the config file changed')) : undefined;
  };
  cleanups.push(() => stopWatching?.());
  let daemonInfo: DaemonInfo | undefined;
  let reloading: Promise<unknown> = Promise.resolve();
  /** One at a time, in the order asked: a slow read must not apply after a later one. */
  const reload = (path: string | undefined, why: string): Promise<ReloadResult> => {
    const result = reloading.then(() => reloadNow(path, why));
    reloading = result.catch(() => undefined);
    return result;
  };
  /** Re-reads the config (or another file): an invalid one changes nothing and is the caller's error. */
  const reloadNow = async (path: string | undefined, why: string): Promise<ReloadResult> => {
    if (stopping) throw new OrchError('DAEMON_FAILED', 'the daemon is shutting down');
    let next: OrchConfig;
    try {
      next = await loadConfig(path ?? config.path);
    } catch (error) {
      logger.error(`${why}: not reloaded, the daemon runs on with ${displayPath(config.path)}: ${errorMessage(error)}`);
      throw error;
    }
    // The read took a while: a shutdown may have begun meanwhile.
    if (stopping) throw new OrchError('DAEMON_FAILED', 'the daemon is shutting down');
    const started = performance.now();
    const changes = orch.reload(next);
    const switched = next.path !== config.path;
    config = next;
    logger.info(
      `${why}: ${switched ? `switched to ${displayPath(next.path)}, ` : ''}${changes.length === 0 ? 'nothing changed' : `${changes.length} server${changes.length === 1 ? '' : 's'} changed`} (${(performance.now() - started).toFixed(1)} ms)`,
    );
    for (const change of changes) logger.info(`  ${describeChange(change)}`);
    if (switched) describeConfig(next);
    rememberConfig(home, next.path);
    if (daemonInfo && switched) {
      daemonInfo = { ...daemonInfo, config: next.path };
      try {
        writeDaemonInfo(home.daemonFile, daemonInfo);
      } catch (error) {
        logger.warn(`cannot write ${home.daemonFile}: ${fsReason(error)}`);
      }
    }
    watch();
    hooks.replace(next.webhooks);
    return { config: next.path, changes };
  };
  const supervision: Supervision = {
    ...orch,
    start: (names) => remember(orch.start(names), 'started'),
    stop: (names) => remember(orch.stop(names), 'stopped'),
    restart: (names) => remember(orch.restart(names), 'started'),
    reload: (path) => reload(path, path ? 'switch requested' : 'reload requested'),
  };

  // Step: the HTTP server.
  const health = createSelfHealth();
  cleanups.push(() => health.stop());
  const sessions = new Sessions();
  let listening = 0;
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string) => {
    stopping ??= (async () => {
      logger.info(`${why}: stopping every server`);
      await teardown();
      process.exit(0);
    })();
    return stopping;
  };
  let endpoint: Promise<typeof import('../gateway/endpoint.js')> | undefined;
  const app = createApp(
    {
      supervision,
      token,
      port: () => listening,
      host: LOOPBACK.has(options.host) ? undefined : options.host,
      health: () => ({ ...health.read(), config: config.path, storage: problems.list() }),
      hooks: () => hooks.status(),
      gateway: {
        calls: orch.calls,
        sessions: (name) => orch.gateway.sessionsOf(name),
        inFlight: (name) => orch.gateway.inFlight(name),
        endpoint: mcpPath,
      },
      // Loaded on the first client request: a daemon nobody connects to does not pay for the SDK.
      mcp: async (name, request) => (await (endpoint ??= import('../gateway/endpoint.js'))).serveMcp(orch.gateway, name, request, orch.remoteEndpoint),
      dev: options.dev === true || process.env.NODE_ENV === 'development',
      shutdown: () => void shutdown('shutdown requested'),
      onInternalError: (error) => logger.error('an API request failed', error),
    },
    sessions,
  );

  if (!LOOPBACK.has(options.host)) {
    logger.warn(`listening on ${options.host}, beyond this machine: anyone who can reach it and has the token controls your servers`);
  }
  const server = serve({ fetch: app.fetch, hostname: options.host, port });
  await step(() =>
    new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          error.code === 'EADDRINUSE'
            ? new OrchError('PORT_IN_USE', `port ${port} is in use; choose another with --port or ORCH_PORT (0 picks a free one)`)
            : new OrchError('DAEMON_FAILED', `could not listen on ${options.host}:${port}: ${errorMessage(error)}`),
        ),
      );
    }),
  );
  cleanups.push(() => void server.close());
  listening = (server.address() as AddressInfo).port;

  // Step: tell clients where the daemon is. Without daemon.json nobody finds it: better no daemon.
  await step(() => {
    if (!lock.held()) throw new OrchError('DAEMON_RUNNING', `another orch daemon took the lock ${home.lockFile} while this one started`);
  });
  daemonInfo = { pid: process.pid, host: options.host, port: listening, startedAt: new Date().toISOString(), version: VERSION, config: config.path };
  await step(() => mustWrite(home.daemonFile, () => writeDaemonInfo(home.daemonFile, daemonInfo!)));
  rememberConfig(home, config.path);
  watch();
  // The `orch start` that launched this daemon waits on this: clients can find it now.
  writeReady(options.readyFd, {});
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info(`API on http://${urlHost}:${listening}`);

  // Step: the servers the user wanted running last time.
  const initial = options.initial === 'saved' ? wanted.toStart(config.servers) : [];
  // A server waiting for an `${input:…}` value says which, in status and the dashboard.
  for (const server of config.servers) if (server.unavailable) orch.explain(server.name, server.unavailable);
  if (options.initial === 'saved') {
    for (const server of config.servers.filter((s) => !initial.includes(s.name) && !s.disabled)) {
      orch.explain(server.name, 'stopped by you before the last shutdown');
    }
    // Nothing wanted is nothing to start, not "every server".
    if (initial.length > 0) orch.start(initial);
  }
  // The hint comes after the start-up transitions, or they would scroll it away.
  if (options.foreground && options.printHint) {
    const print = options.printHint;
    void settle.until(initial, HINT_WAIT_MS).then(() => {
      if (stopping) return;
      const servers = orch.statuses().filter((s) => initial.includes(s.name));
      print(logger, servers, `http://${urlHost}:${listening}/login?token=${sessions.issueLoginCode().code}`);
    });
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('forced: killing every server now');
      abandon(130);
    }
    void shutdown(`${signal}${options.foreground ? ' (again to force)' : ''}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', () => void reload(undefined, 'SIGHUP').catch(() => {}));
  await new Promise(() => {});
}

function describeChange({ server, change, detail }: ReloadChange): string {
  return `${CHANGE_MARK[change]} ${server}: ${change}${detail ? ` (${detail})` : ''}`;
}

/** Files the daemon cannot run without (its lock, token, address): one clear line when they cannot be written. */
function mustWrite<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (isOrchError(error)) throw error;
    throw new OrchError('DAEMON_FAILED', `cannot write ${path}: ${fsReason(error)}`);
  }
}
