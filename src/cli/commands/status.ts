/** `orch status [--json]`: the config file in use, then every server's state and figures, from the running daemon. */
import { displayPath } from '../../config/load.js';
import { resolveHome } from '../../home.js';
import { connectDaemon } from '../client.js';
import { listServers } from '../settle.js';
import { formatStatusTable, statusJson } from '../status-table.js';

export async function statusCommand(flags: { json?: boolean }): Promise<void> {
  const client = connectDaemon(resolveHome());
  const [{ config }, servers] = await Promise.all([client.request<{ config: string }>('GET', '/api/health'), listServers(client)]);
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(statusJson(servers, config))}\n`
      : `config: ${displayPath(config)}\n${formatStatusTable(servers, process.stdout.isTTY === true)}`,
  );
}
