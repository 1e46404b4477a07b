/**
 * `config.json` in the state folder: the config file the daemon last ran with, so that after
 * `orch shutdown` or a crash a plain `orch start` (or `orch monitor`) brings back the same servers
 * instead of falling back to `~/.mcp.json`.
 */
import { isAbsolute, resolve } from 'node:path';
import type { OrchHome } from '../home.js';
import { readJson, writeJsonAtomic } from './atomic-file.js';

/** Never throws: the daemon supervises whether or not it can note this down. False when it could not. */
export function rememberConfig(home: OrchHome, path: string): boolean {
  try {
    writeJsonAtomic(home.configFile, { path: resolve(path) }, 0o600);
    return true;
  } catch {
    return false;
  }
}

/** The remembered path, or undefined when there is none (or the file is not orch's shape). */
export function rememberedConfig(home: OrchHome): string | undefined {
  const path = (readJson(home.configFile) as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' && isAbsolute(path) ? path : undefined;
}
