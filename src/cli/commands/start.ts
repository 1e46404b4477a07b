/**
 * `orch start`: ask the daemon to start servers, launching one if none runs, then wait and show the
 * result (control.ts). The bin runs it without cac, and it launches the daemon having loaded little:
 * the launched daemon reads the config and resolves the port itself, and a mistake in either comes
 * back on its ready pipe to be told here, in the user's terminal. The rest loads while it boots.
 */
import { displayPath } from '../../display-path.js';
import { ensureHome, resolveHome } from '../../home.js';
import type { ServerStatus } from '../../status.js';
import { findDaemon } from '../client.js';
import { launchDaemon } from '../launch.js';
import type { DaemonFlags } from '../options.js';
import type { ControlFlags } from './control.js';

/**
 * A new daemon starts the servers wanted last time by itself: those that have left `stopped`. Picked
 * afresh at each poll, since a server waiting for its dependencies leaves `stopped` only once they run.
 */
const ON_THEIR_WAY: ReadonlySet<string> = new Set(['starting', 'running', 'unhealthy', 'backoff', 'crashed']);
const onItsWay = (s: ServerStatus) => ON_THEIR_WAY.has(s.state);

export async function startCommand(names: string[], flags: DaemonFlags & ControlFlags): Promise<void> {
  const home = resolveHome();
  let client = await findDaemon(home);
  let launched = false;
  if (!client) {
    ({ client, launched } = await launchDaemon(ensureHome(home), {
      configPath: flags.config,
      port: flags.port,
      host: flags.host,
      initial: names.length > 0 ? 'none' : 'saved',
    }));
  }
  const [{ report, send, SETTLE_TIMEOUT_MS }, { waitUntil }] = await Promise.all([import('./control.js'), import('../settle.js')]);
  // With --json, stdout carries the one object; what it does not hold goes to stderr.
  const aside = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  const settled = (s: ServerStatus) => s.state === 'running' || s.state === 'crashed';
  const started = (s: ServerStatus) => s.state === 'running';
  if (launched) {
    aside(`orch daemon started (pid ${client.info.pid}) on ${client.baseUrl} with ${displayPath(client.info.config)}`);
    if (names.length === 0) {
      const servers = await waitUntil(client, onItsWay, settled, SETTLE_TIMEOUT_MS);
      const acted = servers.filter(onItsWay).map((s) => s.name);
      if (!flags.json) process.stdout.write(acted.length > 0 ? `started with the daemon: ${acted.join(', ')}\n` : 'nothing to start\n');
      return report('start', servers, { acted, notes: [] }, flags, started);
    }
  } else if (flags.config !== undefined) {
    // A daemon already ran, or a concurrent `orch start` launched it first: point it at this file.
    const { switchConfig } = await import('./reload.js');
    await switchConfig(client, flags.config, flags.json);
  }
  const answer = await send(client, 'start', names, flags);
  const servers = await waitUntil(client, answer.acted, settled, SETTLE_TIMEOUT_MS);
  report('start', servers, answer, flags, started);
}
