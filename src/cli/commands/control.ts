/** `orch start`, `orch stop`, `orch restart`: ask the daemon (starting one for `start`), wait, show the result. */
import { resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { OrchError } from '../../errors.js';
import { ensureHome, resolveHome } from '../../home.js';
import type { ServerStatus } from '../../status.js';
import { connectDaemon, findDaemon, type DaemonClient } from '../client.js';
import { launchDaemon } from '../launch.js';
import { configPath, listenHost, resolvePort, type DaemonFlags } from '../options.js';
import { listServers, waitUntil } from '../settle.js';
import { formatStatusTable } from '../status-table.js';

/** Long enough for a default start timeout; the table is printed either way. */
const SETTLE_TIMEOUT_MS = 30_000;

export async function startCommand(names: string[], flags: DaemonFlags): Promise<void> {
  const home = resolveHome();
  let client = await findDaemon(home);
  let launched = false;
  if (!client) {
    const port = resolvePort(flags);
    const path = configPath(flags);
    // Config mistakes are reported here, in the user's terminal, not in a log file.
    await loadConfig(path);
    ({ client, launched } = await launchDaemon(ensureHome(home), {
      configPath: path,
      port,
      host: listenHost(flags),
      initial: names.length > 0 ? 'none' : 'saved',
    }));
  }
  let targets: string[];
  if (launched) {
    process.stdout.write(`orch daemon started (pid ${client.info.pid}) on ${client.baseUrl}\n`);
    targets = names.length > 0 ? await send(client, 'start', names) : (await listServers(client)).filter((s) => s.state !== 'stopped').map((s) => s.name);
  } else {
    // A daemon already ran, or a concurrent `orch start` launched it first: ask it like any other.
    if (flags.config && resolve(flags.config) !== client.info.config) {
      process.stderr.write(`orch: the running daemon uses ${client.info.config}; --config is ignored (orch shutdown first to switch)\n`);
    }
    targets = await send(client, 'start', names);
  }
  const servers = await waitUntil(client, targets, (s) => s.state === 'running' || s.state === 'crashed', SETTLE_TIMEOUT_MS);
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

async function send(client: DaemonClient, action: 'start' | 'stop' | 'restart', names: string[]): Promise<string[]> {
  const { servers } = await client.request<{ servers: ServerStatus[] }>(
    'POST',
    `/api/servers/${action}`,
    names.length > 0 ? { names } : {},
  );
  return servers.filter((s) => action !== 'start' || names.length > 0 || !s.disabled).map((s) => s.name);
}

function report(servers: ServerStatus[], targets: string[], ok: (s: ServerStatus) => boolean, failed: string): void {
  process.stdout.write(formatStatusTable(servers, process.stdout.isTTY === true));
  const failures = servers.filter((s) => targets.includes(s.name) && !ok(s));
  if (failures.length > 0) {
    const what = failures.map((s) => `${s.name} (${s.state}${s.lastError ? `: ${s.lastError}` : ''})`).join(', ');
    throw new OrchError('DAEMON_FAILED', `${failures.length === 1 ? 'a server' : 'some servers'} ${failed}: ${what}`);
  }
}
