/**
 * The daemon: the supervisor and the HTTP app in one long-running process, one per ORCH_HOME.
 * `orch start` runs it in the background; `orch monitor` runs it in the foreground with the
 * transition log on the terminal. It reaps what a dead predecessor left before it starts anything.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { displayPath, loadConfig } from '../config/load.js';
import { errorMessage, fsReason, OrchError } from '../errors.js';
import { ensureHome, resolveHome } from '../home.js';
import { createApp } from '../http/app.js';
import { Sessions } from '../http/auth.js';
import type { Supervision } from '../http/deps.js';
import { logTransition } from '../cli/transition-line.js';
import { createOrchLogger } from '../logger.js';
import { formatDuration } from '../machines/describe.js';
import { ownerForHome } from '../os/marked.js';
import { StorageProblems } from '../storage/problems.js';
import { createOrchestrator } from '../system.js';
import { VERSION } from '../version.js';
import { removeDaemonInfo, createToken, writeDaemonInfo } from './daemon-file.js';
import { GroupRegistry, reapOrphans } from './groups.js';
import { acquireLock } from './lock.js';
import { createSelfHealth } from './self-health.js';
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
  /** Development mode (also NODE_ENV=development): the dashboard's statechart page. */
  dev?: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function runDaemon(options: DaemonOptions): Promise<void> {
  const config = await loadConfig(options.configPath);
  const home = ensureHome(resolveHome());
  const port = options.port ?? config.port;
  const lock = mustWrite(home.lockFile, () =>
    acquireLock(
      home.lockFile,
      (pid) => `an orch daemon is already running for ${home.root} (pid ${pid}); see \`orch status\`, or stop it with \`orch shutdown\``,
    ),
  );
  // Files orch cannot write are one warning line each and a line in /api/health; supervision goes on.
  const problems = new StorageProblems({
    failed: (path, error) => logger.warn(`cannot write ${path}: ${error}; supervision goes on, and orch retries`),
    recovered: (path, afterMs) => logger.info(`${path} is written again (after ${formatDuration(afterMs)})`),
  });
  const { logger, close: closeLogger } = createOrchLogger({
    file: home.orchestratorLog,
    terminal: options.foreground,
    problems,
  });
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  const owner = ownerForHome(home.root);
  const orphans = await reapOrphans(home.groupsFile, owner);
  for (const orphan of orphans.groups) {
    logger.warn(`ended process group ${orphan.pgid} of ${orphan.server}, left running by a daemon that died`);
  }
  if (orphans.escaped.length > 0) {
    logger.warn(`ended ${orphans.escaped.length} processes that had left their servers' groups, left running by a daemon that died: ${orphans.escaped.join(', ')}`);
  }

  const nameWidth = Math.max(0, ...config.servers.map((server) => server.name.length));
  logger.info(`orch ${VERSION} (pid ${process.pid}): ${config.servers.length} servers from ${displayPath(config.path)}, logs in ${home.logsDir}`);
  for (const server of config.remote) logger.info(`${server.name}: remote (${server.transport} ${server.url}), not supervised yet`);

  const token = mustWrite(home.tokenFile, () => createToken(home.tokenFile));
  const wanted = new WantedState(home.wantedFile, problems);
  const groups = new GroupRegistry(home.groupsFile, problems);
  const orch = createOrchestrator({
    config,
    home,
    logger,
    groups,
    problems,
    owner,
    onTransition: (transition) => logTransition(logger, transition, nameWidth),
    // A supervisor that failed supervises nothing: exit, so that `orch start` can bring a new daemon.
    onFailure: () => abandon(1),
  });
  /** Stopping the actor system kills every process group at once; no server is left without a supervisor. */
  const abandon = (exitCode: number): never => {
    orch.supervisor.stop();
    release();
    process.exit(exitCode);
  };
  /** The files that say a daemon runs here; a read-only disk must not keep the process from ending. */
  const release = () => {
    for (const step of [() => removeDaemonInfo(home.daemonFile), () => lock.release()]) {
      try {
        step();
      } catch (error) {
        logger.warn(`could not remove a state file: ${fsReason(error)}`);
      }
    }
  };
  process.on('uncaughtException', (error) => {
    logger.error('orch hit an internal error and is stopping every server', error);
    abandon(1);
  });

  const enabled = config.servers.filter((s) => !s.disabled).map((s) => s.name);
  const supervision: Supervision = {
    ...orch,
    start: (names) => {
      orch.start(names);
      wanted.record(names?.length ? names : enabled, 'started');
    },
    stop: (names) => {
      orch.stop(names);
      wanted.record(names?.length ? names : orch.names(), 'stopped');
    },
    restart: (names) => {
      orch.restart(names);
      wanted.record(names?.length ? names : orch.names(), 'started');
    },
  };

  const health = createSelfHealth();
  const sessions = new Sessions();
  let listening = 0;
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string) => {
    stopping ??= (async () => {
      logger.info(`${why}: stopping every server`);
      server.close();
      await orch.shutdown();
      health.stop();
      groups.close();
      wanted.close();
      release();
      logger.info('every server is stopped; the daemon exits');
      await closeLogger();
      process.exit(0);
    })();
    return stopping;
  };
  const app = createApp(
    {
      supervision,
      token,
      port: () => listening,
      host: LOOPBACK.has(options.host) ? undefined : options.host,
      health: () => ({ ...health.read(), storage: problems.list() }),
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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    orch.supervisor.stop();
    lock.release();
    await closeLogger();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new OrchError('PORT_IN_USE', `port ${port} is in use; choose another with --port or ORCH_PORT (0 picks a free one)`);
    }
    throw new OrchError('DAEMON_FAILED', `could not listen on ${options.host}:${port}: ${errorMessage(error)}`);
  }
  listening = (server.address() as AddressInfo).port;
  try {
    mustWrite(home.daemonFile, () =>
      writeDaemonInfo(home.daemonFile, {
        pid: process.pid,
        host: options.host,
        port: listening,
        startedAt: new Date().toISOString(),
        version: VERSION,
        config: config.path,
      }),
    );
  } catch (error) {
    // Without daemon.json no client can find this daemon: better none than one nobody reaches.
    server.close();
    orch.supervisor.stop();
    lock.release();
    await closeLogger();
    throw error;
  }
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info(`API on http://${urlHost}:${listening}`);
  if (options.foreground) {
    logger.info(`dashboard: http://${urlHost}:${listening}/login?token=${sessions.issueLoginCode().code} (one-time link)`);
  }

  if (options.initial === 'saved') {
    const names = wanted.toStart(config.servers);
    for (const server of config.servers.filter((s) => !names.includes(s.name))) {
      logger.info(`${server.name}: ${server.disabled ? 'disabled in the config' : 'stopped by you earlier'}, not started (\`orch start ${server.name}\` runs it)`);
    }
    orch.start(names);
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
  await new Promise(() => {});
}

/** Files the daemon cannot run without (its lock, token, address): one clear line when they cannot be written. */
function mustWrite<T>(path: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof OrchError) throw error;
    throw new OrchError('DAEMON_FAILED', `cannot write ${path}: ${fsReason(error)}`);
  }
}
