/**
 * `orch start`, `orch stop`, `orch restart`: ask the daemon (starting one for `start`), wait, show the
 * result. The daemon decides which servers a request means (names, `@group`, all) and answers with the
 * list it acted on: that list is what this waits for, so the rule lives in one place.
 */
import { loadConfig } from '../../config/load.js';
import { displayPath } from '../../display-path.js';
import { OrchError } from '../../errors.js';
import { ensureHome, resolveHome } from '../../home.js';
import type { ServerStatus } from '../../status.js';
import type { ActionResult } from '../../system.js';
import { connectDaemon, findDaemon, type DaemonClient } from '../client.js';
import { launchDaemon } from '../launch.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';
import { startHint } from '../next-steps.js';
import { listServers, waitUntil } from '../settle.js';
import { serverJson } from '../status-json.js';
import { formatStatusTable } from '../status-table.js';
import { switchConfig } from './reload.js';

/** Long enough for a default start timeout; the table is printed either way. */
const SETTLE_TIMEOUT_MS = 30_000;

type Action = 'start' | 'stop' | 'restart';

const DOING: Record<Action, string> = { start: 'starting', stop: 'stopping', restart: 'restarting' };
const FAILED: Record<Action, string> = { start: 'did not start', stop: 'did not stop', restart: 'did not restart' };

/**
 * A new daemon starts the servers wanted last time by itself: those that have left `stopped`. Picked
 * afresh at each poll, since a server waiting for its dependencies leaves `stopped` only once they run.
 */
const ON_THEIR_WAY: ReadonlySet<string> = new Set(['starting', 'running', 'unhealthy', 'backoff', 'crashed']);
const onItsWay = (s: ServerStatus) => ON_THEIR_WAY.has(s.state);

/** `--json`: one object on stdout, `{acted, notes, servers}`, instead of the lines and the table. */
export interface ControlFlags {
  json?: boolean;
}

export async function startCommand(names: string[], flags: DaemonFlags & ControlFlags): Promise<void> {
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
    await switchConfig(client, flags.config, flags.json);
  }
  const answer = await send(client, 'start', names, flags);
  const servers = await waitUntil(client, answer.acted, settled, SETTLE_TIMEOUT_MS);
  report('start', servers, answer, flags, started);
}

export async function stopCommand(names: string[], flags: ControlFlags = {}): Promise<void> {
  const client = connectDaemon(resolveHome());
  const answer = await send(client, 'stop', names, flags);
  const stopped = (s: ServerStatus) => s.state === 'stopped' || s.state === 'crashed';
  const servers = await waitUntil(client, answer.acted, stopped, SETTLE_TIMEOUT_MS);
  report('stop', servers, answer, flags, stopped);
}

/** No names means every server, as for `start` and `stop`. */
export async function restartCommand(names: string[], flags: ControlFlags = {}): Promise<void> {
  const client = connectDaemon(resolveHome());
  const before = new Map((await listServers(client)).map((s) => [s.name, s.pid]));
  const answer = await send(client, 'restart', names, flags);
  const fresh = (s: ServerStatus) => s.state === 'running' && s.pid !== before.get(s.name);
  const servers = await waitUntil(client, answer.acted, (s) => fresh(s) || s.state === 'crashed', SETTLE_TIMEOUT_MS);
  report('restart', servers, answer, flags, fresh);
}

interface Answer {
  acted: string[];
  notes: string[];
}

/** Asks the daemon; names (`@group`s, `all`) pass through as typed. Answers with the servers it acted on. */
async function send(client: DaemonClient, action: Action, names: string[], flags: ControlFlags): Promise<Answer> {
  const { acted, notes = [] } = await client.request<ActionResult>('POST', `/api/servers/${action}`, names.length > 0 ? { names } : {});
  if (!flags.json) {
    for (const note of notes) process.stderr.write(`orch: ${note}\n`);
    process.stdout.write(acted.length > 0 ? `${DOING[action]} ${acted.join(', ')}\n` : `nothing to ${action}\n`);
  }
  return { acted, notes };
}

/**
 * The table (or the JSON), then a failure if an acted-on server did not get there. A start where some
 * servers came up and others did not is a partial start (exit 3), so a script can tell it from nothing.
 */
function report(action: Action, servers: ServerStatus[], answer: Answer, flags: ControlFlags, ok: (s: ServerStatus) => boolean): void {
  const targets = servers.filter((s) => answer.acted.includes(s.name));
  process.stdout.write(
    flags.json
      ? `${JSON.stringify({ ...answer, servers: targets.map(serverJson) })}\n`
      : formatStatusTable(servers, process.stdout.isTTY === true),
  );
  if (action === 'start' && !flags.json) process.stdout.write(startHint(targets));
  const failures = targets.filter((s) => !ok(s));
  if (failures.length === 0) return;
  const what = failures.map((s) => `${s.name} (${s.state}${s.lastError ? `: ${s.lastError}` : ''})`).join(', ');
  const partial = action === 'start' && failures.length < targets.length;
  const message = `${failures.length === 1 ? 'a server' : 'some servers'} ${FAILED[action]}: ${what}`;
  throw new OrchError(partial ? 'PARTIAL_START' : 'DAEMON_FAILED', message);
}
