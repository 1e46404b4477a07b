/** `orch status [NAME…] [--json]`: the config file in use, then each server's state and figures, from the running daemon. */
import { displayPath } from '../../display-path.js';
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { ALL } from '../../machines/membership.js';
import type { ServerStatus } from '../../status.js';
import { connectDaemon } from '../client.js';
import { listServers } from '../settle.js';
import { statusJson } from '../status-json.js';

export async function statusCommand(names: string[], flags: { json?: boolean }): Promise<void> {
  const client = connectDaemon(resolveHome());
  const [{ config }, all] = await Promise.all([client.request<{ config: string }>('GET', '/api/health'), listServers(client)]);
  const servers = selectServers(all, names);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(statusJson(servers, config))}\n`);
    return;
  }
  // Colours are for a person at a terminal: a script polling with --json never loads them.
  const { formatStatusTable } = await import('../status-table.js');
  process.stdout.write(`config: ${displayPath(config)}\n${formatStatusTable(servers, process.stdout.isTTY === true)}`);
}

/**
 * The named servers in the daemon's order; none, or `all` (unless a server has that name), for every
 * one. A `@group` is unknown here: the daemon resolves groups only for the actions.
 */
export function selectServers(servers: ServerStatus[], names: string[]): ServerStatus[] {
  const known = new Set(servers.map((s) => s.name));
  const everyServer = names.includes(ALL) && !known.has(ALL);
  const unknown = names.filter((name) => !known.has(name) && !(everyServer && name === ALL));
  if (unknown.length > 0) {
    const list = [...known].join(', ') || 'none';
    throw new OrchError('UNKNOWN_SERVER', `unknown server${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${list})`);
  }
  return names.length === 0 || everyServer ? servers : servers.filter((s) => names.includes(s.name));
}
