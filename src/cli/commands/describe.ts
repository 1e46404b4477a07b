/** `orch describe NAME [--json]`: everything about one server, from the running daemon (tools asked of the server itself). */
import { nameSegment } from '../../config/server-name.js';
import type { ServerDescription } from '../../description.js';
import { resolveHome } from '../../home.js';
import { connectDaemon } from '../client.js';
import { formatDescription } from '../describe-text.js';

export async function describeCommand(name: string, flags: { json?: boolean }): Promise<void> {
  const { server } = await connectDaemon(resolveHome()).request<{ server: ServerDescription }>(
    'GET',
    `/api/servers/${nameSegment(name)}/describe`,
  );
  process.stdout.write(flags.json ? `${JSON.stringify(server)}\n` : formatDescription(server));
}
