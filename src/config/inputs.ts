/**
 * Values for `${input:ID}`: VS Code prompts for them; orch has no editor to prompt in, so they come
 * from `ORCH_INPUT_<ID>` or from orch's own store, `$ORCH_HOME/secrets.json` (mode 0600).
 */
import { join } from 'node:path';
import { readJson, writeJsonAtomic } from '../daemon/atomic-file.js';
import type { OrchHome } from '../home.js';

/** The ids `${input:…}` accepts: VS Code's are free text, but these are safe in a file name and a shell. */
export const INPUT_ID = /^[A-Za-z0-9_.-]+$/;

export type Secrets = Record<string, string>;

export function secretsFile(home: OrchHome): string {
  return join(home.root, 'secrets.json');
}

/** `{}` when the file is missing or not a map of strings: orch writes it, and rewrites it whole. */
export function readSecrets(file: string): Secrets {
  const value = readJson(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export function writeSecrets(file: string, secrets: Secrets): void {
  writeJsonAtomic(file, secrets, 0o600);
}

/** `api-key` → `ORCH_INPUT_API_KEY`. */
export function inputEnvName(id: string): string {
  return `ORCH_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The environment wins, so one run can override what is stored. */
export function inputLookup(secrets: Secrets, env: NodeJS.ProcessEnv): (id: string) => string | undefined {
  return (id) => {
    const fromEnv = Object.hasOwn(env, inputEnvName(id)) ? env[inputEnvName(id)] : undefined;
    if (fromEnv) return fromEnv;
    return Object.hasOwn(secrets, id) ? secrets[id] : undefined;
  };
}
