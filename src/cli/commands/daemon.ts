/** `orch daemon`: what `orch start` launches in the background; users rarely run it themselves. */
import { OrchError } from '../../errors.js';
import { runDaemon } from '../../daemon/daemon.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';

export async function daemonCommand(flags: DaemonFlags & { initial?: string }): Promise<void> {
  const initial = flags.initial ?? 'saved';
  if (initial !== 'saved' && initial !== 'none') throw new OrchError('USAGE', `--initial: expected saved or none, got "${initial}"`);
  await runDaemon({
    configPath: configPath(flags),
    port: resolvePort(flags),
    host: listenHost(flags),
    foreground: false,
    initial,
  });
}
