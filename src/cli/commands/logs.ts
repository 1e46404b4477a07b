/** `orch logs NAME [-f] [-n N]`: a server's recent stderr, and with -f every new line as it comes. */
import { nameSegment } from '../../config/server-name.js';
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { formatLogLine, type LogLine } from '../../logs/server-logs.js';
import { connectDaemon } from '../client.js';

export async function logsCommand(name: string, flags: { follow?: boolean; lines?: string | number }): Promise<void> {
  const lines = flags.lines === undefined ? 50 : Number(flags.lines);
  if (!Number.isInteger(lines) || lines < 0) throw new OrchError('USAGE', `-n: expected a whole number of lines, got "${flags.lines}"`);
  const client = connectDaemon(resolveHome());
  const path = `/api/servers/${nameSegment(name)}/logs`;
  if (!flags.follow) {
    const { lines: tail } = await client.request<{ lines: LogLine[] }>('GET', `${path}?tail=${lines}`);
    for (const line of tail) process.stdout.write(formatLogLine(line));
    return;
  }
  // Checks the name first, so a typo is one clear line instead of a stream that never opens.
  await client.request('GET', `${path}?tail=0`);
  const end = await client.follow(`${path}/stream?tail=${lines}`, 'log', (data) =>
    process.stdout.write(formatLogLine(JSON.parse(data) as LogLine)),
  );
  if (end === 'gone') throw new OrchError('NO_DAEMON', 'the orch daemon went away');
}
