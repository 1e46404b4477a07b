/** Options several verbs share, and turning them into what the commands need. */
import { defaultConfigPath } from '../config/load.js';
import { rememberedConfig } from '../daemon/config-memory.js';
import { OrchError } from '../errors.js';
import type { OrchHome } from '../home.js';

export interface DaemonFlags {
  config?: string;
  port?: string | number;
  host?: string;
}

/** `--config`, else the file the last daemon of this ORCH_HOME ran with (after a shutdown or a crash), else `~/.mcp.json`. */
export function configPath(flags: DaemonFlags, home: OrchHome): string {
  return flags.config ?? rememberedConfig(home) ?? defaultConfigPath();
}

/** Loopback unless the user asks for more with `--host`. */
export function listenHost(flags: DaemonFlags): string {
  return flags.host ?? '127.0.0.1';
}

/** `--port`, then `ORCH_PORT`; undefined leaves it to the config (default 5000). */
export function resolvePort(flags: DaemonFlags, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const [value, where] = flags.port !== undefined ? [String(flags.port), '--port'] : [env.ORCH_PORT, 'ORCH_PORT'];
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new OrchError('USAGE', `${where}: expected a port number from 0 to 65535, got "${value}"`);
  }
  return port;
}
