/** `orch monitor`: the supervisor in the foreground, one line per transition, Ctrl-C stops every server. */
import { defaultConfigPath, displayPath, loadConfig } from '../../config/load.js';
import { ensureHome, resolveHome } from '../../home.js';
import { createOrchLogger } from '../../logger.js';
import { createOrchestrator } from '../../system.js';
import { VERSION } from '../../version.js';
import type { ConfigOption } from '../cli.js';
import { logTransition } from '../transition-line.js';

export async function monitor(options: ConfigOption): Promise<void> {
  const config = await loadConfig(options.config ?? defaultConfigPath());
  const home = ensureHome(resolveHome());
  const { logger, close } = createOrchLogger({ file: home.orchestratorLog });
  // A reader that goes away (`orch monitor | head`) must not take the servers down with it.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  const nameWidth = Math.max(0, ...config.servers.map((server) => server.name.length));
  logger.info(`orch ${VERSION}: ${config.servers.length} servers from ${displayPath(config.path)}, logs in ${home.logsDir}`);
  for (const server of config.remote) {
    logger.info(`${server.name}: remote (${server.transport} ${server.url}), not supervised yet`);
  }
  for (const server of config.servers.filter((s) => s.disabled)) {
    logger.info(`${server.name}: disabled in the config, not started`);
  }

  const orch = createOrchestrator({
    config,
    home,
    logger,
    onTransition: (transition) => logTransition(logger, transition, nameWidth),
  });
  // A bug must not leave detached servers running without a supervisor: kill every group, then exit.
  process.on('uncaughtException', (error) => {
    logger.error('orch hit an internal error and is stopping every server', error);
    orch.supervisor.stop();
    process.exit(1);
  });
  orch.start();

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info(`${signal}: stopping every server (again to force)`);
  const force = () => {
    logger.warn('forced: killing every server now');
    orch.supervisor.stop();
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await orch.shutdown();
  logger.info('every server is stopped');
  await close();
  process.exit(0);
}
