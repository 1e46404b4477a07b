/**
 * `orch monitor`: the daemon in the foreground, one line per transition, Ctrl-C stops every server.
 * When a daemon already runs for this ORCH_HOME, it attaches and prints that daemon's transitions
 * (switching it to `--config` first, as `orch start --config` does).
 */
import { resolveHome } from '../../home.js';
import { createOrchLogger } from '../../logger.js';
import type { Transition } from '../../transitions.js';
import { findDaemon, type DaemonClient } from '../client.js';
import { endOnClosedOutput } from '../closed-output.js';
import { nextSteps } from '../next-steps.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';
import { logTransition } from '../transition-line.js';
import { switchConfig } from './reload.js';

export async function monitorCommand(flags: DaemonFlags & { dev?: boolean }): Promise<void> {
  const home = resolveHome();
  const running = await findDaemon(home);
  if (running) {
    if (flags.config !== undefined) await switchConfig(running, flags.config);
    return attach(running);
  }
  const { runDaemon } = await import('../../daemon/daemon.js');
  await runDaemon({
    configPath: configPath(flags, home),
    port: resolvePort(flags),
    host: listenHost(flags),
    foreground: true,
    initial: 'saved',
    dev: flags.dev,
    printTransition: logTransition,
    printHint: (logger, servers, dashboardUrl) =>
      logger.info(nextSteps(servers, { dashboard: `dashboard ${dashboardUrl} (one-time link)`, foreground: true })),
  });
}

async function attach(client: DaemonClient): Promise<void> {
  // Only watching: a closed terminal ends it (the daemon it watches keeps running).
  endOnClosedOutput();
  const { logger } = await createOrchLogger();
  logger.info(`attached to the orch daemon (pid ${client.info.pid}) on ${client.baseUrl}; Ctrl-C detaches, the servers keep running`);
  const end = await client.follow('/api/events', 'transition', (data) => logTransition(logger, JSON.parse(data) as Transition));
  if (end === 'gone') logger.info('the daemon has stopped');
}
