/**
 * `orch logs [NAME] [-n N] [--since 10m] [-f] [--json] [--flush]`, like `pm2 logs`: the lines come from
 * the log files on disk, so they survive a daemon restart and show with no daemon running; without a
 * name every server's lines are interleaved by time, each prefixed with its name. `-f` then follows
 * through the daemon. `--flush` empties the files, through the daemon when one runs, so its open
 * streams are closed and reopened rather than left counting from the old size.
 */
import { existsSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { nameSegment } from '../../config/server-name.js';
import { loadConfig } from '../../config/load.js';
import { rememberedConfig } from '../../daemon/config-memory.js';
import { OrchError } from '../../errors.js';
import { resolveHome, type OrchHome } from '../../home.js';
import { logFileName } from '../../logs/file-name.js';
import { emptyLogFiles } from '../../logs/flush.js';
import { MAX_KEPT_CHARS, type LogLine } from '../../logs/server-logs.js';
import type { ServerStatus } from '../../status.js';
import { findDaemon, type DaemonClient } from '../client.js';
import { readLogTail, serversWithLogs } from '../log-files.js';
import { linePrinter } from '../log-printer.js';
import { parseSince } from '../since.js';

export interface LogsFlags {
  follow?: boolean;
  lines?: string | number;
  since?: string | number;
  json?: boolean;
  flush?: boolean;
}

export async function logsCommand(name: string | undefined, flags: LogsFlags): Promise<void> {
  const limit = flags.lines === undefined ? 50 : Number(flags.lines);
  if (!Number.isInteger(limit) || limit < 0) throw new OrchError('USAGE', `-n: expected a whole number of lines, got "${flags.lines}"`);
  const since = flags.since === undefined ? undefined : parseSince(String(flags.since));
  if (flags.flush && (flags.follow || flags.since !== undefined)) throw new OrchError('USAGE', '--flush cannot be combined with -f or --since');
  const home = resolveHome();
  const client = await findDaemon(home);
  if (flags.flush) return flush(home, client, name);

  const servers = name === undefined ? await knownServers(home, client) : [await checkedName(home, client, name)];
  const print = linePrinter({ json: flags.json === true, prefixed: name === undefined, names: servers, color: process.stdout.isTTY === true });
  // Each server's newest lines, interleaved by time; of those, the newest `limit` overall.
  const merged = servers.flatMap((server) => readLogTail(home.logsDir, server, { limit, since })).sort((a, b) => a.time - b.time);
  for (const line of limit === 0 ? [] : merged.slice(-limit)) print(line);
  if (!flags.follow) return;
  if (!client) throw new OrchError('NO_DAEMON', 'no orch daemon is running: -f follows through it (the lines above are from the files)');

  // The daemon's memory holds the lines it has not written to disk yet: its backlog fills the gap
  // between the read above and the stream, and what the files showed already is skipped.
  const shown = new Map(servers.map((server) => [server, newestOnDisk(home, server)]));
  const fresh = (line: LogLine) => {
    const edge = shown.get(line.server);
    if (!edge || line.time > edge.time) return true;
    return line.time === edge.time && !edge.texts.has(line.text);
  };
  const path = name === undefined ? '/api/logs/stream' : `/api/servers/${nameSegment(name)}/logs/stream`;
  const end = await client.follow(`${path}?tail=${Math.max(limit, 100)}`, 'log', (data) => {
    const line = JSON.parse(data) as LogLine;
    if (since !== undefined && line.time < since) return;
    if (fresh(line)) print(line);
  });
  if (end === 'gone') throw new OrchError('NO_DAEMON', 'the orch daemon went away');
}

/** The time of a server's newest line on disk, with the texts of every line of that millisecond. */
function newestOnDisk(home: OrchHome, server: string): { time: number; texts: Set<string> } | undefined {
  const [newest] = readLogTail(home.logsDir, server, { limit: 1 });
  if (!newest) return undefined;
  const same = readLogTail(home.logsDir, server, { limit: 1_000, since: newest.time });
  // The daemon's memory keeps lines cut where the file keeps them whole.
  const cut = (text: string) => (text.length > MAX_KEPT_CHARS ? `${text.slice(0, MAX_KEPT_CHARS)}…` : text);
  return { time: newest.time, texts: new Set(same.map((line) => cut(line.text))) };
}

/**
 * Every server orch runs: the daemon's, else the remembered config's, else whichever have log files.
 * Remote servers have no logs.
 */
async function knownServers(home: OrchHome, client: DaemonClient | undefined): Promise<string[]> {
  if (client) {
    const { servers } = await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers');
    return servers.filter((server) => server.state !== 'remote').map((server) => server.name);
  }
  const path = rememberedConfig(home);
  if (path) {
    try {
      return (await loadConfig(path)).servers.map((server) => server.name);
    } catch {
      // A config that no longer loads: the files still tell which servers wrote logs.
    }
  }
  return serversWithLogs(home.logsDir);
}

/** A name with log files on disk is fine (a server since removed from the config); otherwise it must be known. */
async function checkedName(home: OrchHome, client: DaemonClient | undefined, name: string): Promise<string> {
  if (existsSync(join(home.logsDir, logFileName(name)))) return name;
  if (client) {
    await client.request('GET', `/api/servers/${nameSegment(name)}/logs?tail=0`);
    return name;
  }
  const known = await knownServers(home, undefined);
  if (!known.includes(name)) throw new OrchError('UNKNOWN_SERVER', `unknown server ${name} (known: ${known.join(', ') || 'none'})`);
  return name;
}

async function flush(home: OrchHome, client: DaemonClient | undefined, name: string | undefined): Promise<void> {
  let flushed: string[];
  if (client) {
    const path = name === undefined ? '/api/logs/flush' : `/api/servers/${nameSegment(name)}/logs/flush`;
    ({ flushed } = await client.request<{ flushed: string[] }>('POST', path));
  } else if (name !== undefined) {
    emptyLogFiles(join(home.logsDir, logFileName(await checkedName(home, undefined, name))));
    flushed = [name];
  } else {
    flushed = serversWithLogs(home.logsDir);
    emptyLogsFolder(home.logsDir);
  }
  process.stdout.write(flushed.length === 0 ? 'no logs to flush\n' : `flushed the logs of ${flushed.join(', ')}\n`);
}

/** With no daemon, nothing has these files open: `logs/` holds server logs only, rotations included. */
function emptyLogsFolder(dir: string): void {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const file of files) {
    if (file.endsWith('.log')) truncateSync(join(dir, file));
    else if (/\.log\.\d+$/.test(file)) rmSync(join(dir, file), { force: true });
  }
}
