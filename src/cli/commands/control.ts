/**
 * `orch start`, `orch stop`, `orch restart`: ask the daemon (start.ts launches one for `start`), wait,
 * show the result. The daemon decides which servers a request means (names, `@group`, all) and answers
 * with the list it acted on: that list is what this waits for, so the rule lives in one place.
 */
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import type { ServerStatus } from '../../status.js';
import type { ActionResult } from '../../system.js';
import { connectDaemon, type DaemonClient } from '../client.js';
import { startHint } from '../next-steps.js';
import { listServers, waitUntil } from '../settle.js';
import { serverJson } from '../status-json.js';
import { formatStatusTable } from '../status-table.js';

/** Long enough for a default start timeout; the table is printed either way. */
export const SETTLE_TIMEOUT_MS = 30_000;

type Action = 'start' | 'stop' | 'restart';

const DOING: Record<Action, string> = { start: 'starting', stop: 'stopping', restart: 'restarting' };
const FAILED: Record<Action, string> = { start: 'did not start', stop: 'did not stop', restart: 'did not restart' };

/** `--json`: one object on stdout, `{acted, notes, servers}`, instead of the lines and the table. */
export interface ControlFlags {
  json?: boolean;
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
export async function send(client: DaemonClient, action: Action, names: string[], flags: ControlFlags): Promise<Answer> {
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
export function report(action: Action, servers: ServerStatus[], answer: Answer, flags: ControlFlags, ok: (s: ServerStatus) => boolean): void {
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
