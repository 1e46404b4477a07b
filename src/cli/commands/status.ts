/** `orch status [--json]`: every server's state and figures, from the running daemon. */
import { resolveHome } from '../../home.js';
import { connectDaemon } from '../client.js';
import { listServers } from '../settle.js';
import { formatStatusTable, statusJson } from '../status-table.js';

export async function statusCommand(flags: { json?: boolean }): Promise<void> {
  const servers = await listServers(connectDaemon(resolveHome()));
  process.stdout.write(
    flags.json ? `${JSON.stringify(statusJson(servers))}\n` : formatStatusTable(servers, process.stdout.isTTY === true),
  );
}
