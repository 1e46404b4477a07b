/** `orch daemon`: what `orch start` launches in the background; users rarely run it themselves. */
import { isOrchError, OrchError } from '../../errors.js';
import { runDaemon } from '../../daemon/daemon.js';
import { takeReadyFd, writeReady } from '../../daemon/ready-signal.js';
import { resolveHome } from '../../home.js';
import { dropDaemonEnvironment } from '../daemon-env.js';
import { DAEMON_RUNNING_EXIT } from '../launch.js';
import { logTransition } from '../transition-line.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';

export interface DaemonCommandFlags extends DaemonFlags {
  initial?: string;
}

export async function daemonCommand(flags: DaemonCommandFlags): Promise<void> {
  const readyFd = takeReadyFd();
  dropDaemonEnvironment();
  const initial = flags.initial ?? 'saved';
  if (initial !== 'saved' && initial !== 'none') throw new OrchError('USAGE', `--initial: expected saved or none, got "${initial}"`);
  try {
    await runDaemon({
      configPath: configPath(flags, resolveHome()),
      port: resolvePort(flags),
      host: listenHost(flags),
      foreground: false,
      initial,
      printTransition: logTransition,
      readyFd,
    });
  } catch (error) {
    if (!isOrchError(error)) throw error;
    // The launcher's user gave the config and the flags: theirs to read in their terminal, as `orch start` says it.
    if (error.code === 'USAGE' || error.code.startsWith('CONFIG_')) writeReady(readyFd, { mistake: { code: error.code, message: error.message } });
    // Daemons launched at once share orchestrator.log: the pid tells each launcher which line is its own.
    process.stderr.write(`orch[${process.pid}]: ${error.message}\n`);
    // Its own exit code for a lost lock, so the `orch start` that launched it uses the winner instead.
    process.exitCode = error.code === 'DAEMON_RUNNING' ? DAEMON_RUNNING_EXIT : error.code === 'USAGE' ? 2 : 1;
  }
}
