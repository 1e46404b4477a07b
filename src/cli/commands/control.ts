/**
 * `orch start`, `orch stop`, `orch restart`: ask the daemon (starting one for `start`), wait, show the
 * result. The daemon decides which servers a request means (names, `@group`, all) and answers with the
 * list it acted on: that list is what this waits for, so the rule lives in one place.
 */
import { displayPath, loadConfig } from '../../config/load.js';
import { OrchError } from '../../errors.js';
import { ensureHome, resolveHome } from '../../home.js';
import type { ServerStatus } from '../../status.js';
import type { ActionResult } from '../../system.js';
import { connectDaemon, findDaemon, type DaemonClient } from '../client.js';
import { launchDaemon } from '../launch.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';
import { listServers, waitUntil } from '../settle.js';
import { formatStatusTable } from '../status-table.js';
import { switchConfig } from './reload.js';

/** Long enough for a default start timeout; the table is printed either way. */
const SETTLE_TIMEOUT_MS = 30_000;

type Action = 'start' | 'stop' | 'restart';

const DOING: Record<Action, string> = { start: 'starting', stop: 'stopping', restart: 'restarting' };

/**
 * A new daemon starts the servers wanted last time by itself: those that have left `stopped`. Picked
 * afresh at each poll, since a server waiting for its dependencies leaves `stopped` only once they run.
 */
const ON_THEIR_WAY: ReadonlySet<string> = new Set(['starting', 'running', 'unhealthy', 'backoff', 'crashed']);
const onItsWay = (s: ServerStatus) => ON_THEIR_WAY.has(s.state);

export async function startCommand(names: string[], flags: DaemonFlags): Promise<void> {
  const home = resolveHome();
  let client = await findDaemon(home);
  let launched = false;
  if (!client) {
    const port = resolvePort(flags);
    const path = configPath(flags, home);
    // Config mistakes are reported here, in the user's terminal, not in a log file.
    await loadConfig(path);
    ({ client, launched } = await launchDaemon(ensureHome(home), {
      configPath: path,
      port,
      host: listenHost(flags),
      initial: names.length > 0 ? 'none' : 'saved',
    }));
  }
  const settled = (s: ServerStatus) => s.state === 'running' || s.state === 'crashed';
  if (launched) {
    process.stdout.write(`orch daemon started (pid ${client.info.pid}) on ${client.baseUrl} with ${displayPath(client.info.config)}\n`);
    if (names.length === 0) {
      const servers = await waitUntil(client, onItsWay, settled, SETTLE_TIMEOUT_MS);
      const targets = servers.filter(onItsWay).map((s) => s.name);
      process.stdout.write(targets.length > 0 ? `started with the daemon: ${targets.join(', ')}\n` : 'nothing to start\n');
      return report(servers, targets, (s) => s.state === 'running', 'did not start');
    }
  } else if (flags.config !== undefined) {
    // A daemon already ran, or a concurrent `orch start` launched it first: point it at this file.
    await switchConfig(client, flags.config);
  }
  const targets = await send(client, 'start', names);
  const servers = await waitUntil(client, targets, settled, SETTLE_TIMEOUT_MS);
  report(servers, targets, (s) => s.state === 'running', 'did not start');
}

export async function stopCommand(names: string[]): Promise<void> {
  const client = connectDaemon(resolveHome());
  const targets = await send(client, 'stop', names);
  const servers = await waitUntil(client, targets, (s) => s.state === 'stopped' || s.state === 'crashed', SETTLE_TIMEOUT_MS);
  report(servers, targets, (s) => s.state === 'stopped' || s.state === 'crashed', 'did not stop');
}

export async function restartCommand(names: string[]): Promise<void> {
  if (names.length === 0) throw new OrchError('USAGE', 'restart needs at least one server name (orch restart NAME…)');
  const client = connectDaemon(resolveHome());
  const before = new Map((await listServers(client)).map((s) => [s.name, s.pid]));
  const targets = await send(client, 'restart', names);
  const fresh = (s: ServerStatus) => s.state === 'running' && s.pid !== before.get(s.name);
  const servers = await waitUntil(client, targets, (s) => fresh(s) || s.state === 'crashed', SETTLE_TIMEOUT_MS);
  report(servers, targets, fresh, 'did not restart');
}

/** Asks the daemon; names (and `@group`s) pass through as typed. Returns the servers it acted on. */
async function send(client: DaemonClient, action: Action, names: string[]): Promise<string[]> {
  const { acted, notes = [] } = await client.request<ActionResult>('POST', `/api/servers/${action}`, names.length > 0 ? { names } : {});
  for (const note of notes) process.stderr.write(`orch: ${note}\n`);
  process.stdout.write(acted.length > 0 ? `${DOING[action]} ${acted.join(', ')}\n` : `nothing to ${action}\n`);
  return acted;
}

function report(servers: ServerStatus[], targets: string[], ok: (s: ServerStatus) => boolean, failed: string): void {
  process.stdout.write(formatStatusTable(servers, process.stdout.isTTY === true));
  const failures = servers.filter((s) => targets.includes(s.name) && !ok(s));
  if (failures.length > 0) {
    const what = failures.map((s) => `${s.name} (${s.state}${s.lastError ? `: ${s.lastError}` : ''})`).join(', ');
    throw new OrchError('DAEMON_FAILED', `${failures.length === 1 ? 'a server' : 'some servers'} ${failed}: ${what}`);
  }
}
