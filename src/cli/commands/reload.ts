/**
 * `orch reload`: the daemon re-reads its config file and applies the difference; this prints it.
 * Also how `orch start --config OTHER` and `orch monitor --config OTHER` point a running daemon at
 * another file. An invalid file changes nothing: the daemon's own message, exit 1.
 */
import { resolve } from 'node:path';
import { displayPath } from '../../display-path.js';
import { resolveHome } from '../../home.js';
import { connectDaemon, type DaemonClient } from '../client.js';
import type { ReloadResult } from '../../http/deps.js';
import { formatChanges } from '../config-changes.js';

/** `--json` prints the daemon's answer as is: `{config, changes: [{server, change, detail}]}`. */
export async function reloadCommand(flags: { json?: boolean } = {}): Promise<void> {
  const answer = await connectDaemon(resolveHome()).request<ReloadResult>('POST', '/api/reload');
  process.stdout.write(
    flags.json ? `${JSON.stringify(answer)}\n` : formatChanges(`reloaded ${displayPath(answer.config)}`, answer.changes, process.stdout.isTTY === true),
  );
}

/** Switches a running daemon to `path`, unless that is the file it already runs with; `aside` keeps stdout for JSON. */
export async function switchConfig(client: DaemonClient, path: string, aside = false): Promise<void> {
  const wanted = resolve(path);
  const { config } = await client.request<{ config: string }>('GET', '/api/health');
  if (config === wanted) return;
  const answer = await client.request<ReloadResult>('POST', '/api/reload', { config: wanted });
  const out = aside ? process.stderr : process.stdout;
  out.write(formatChanges(`switched the daemon to ${displayPath(answer.config)}`, answer.changes, out.isTTY === true));
}
