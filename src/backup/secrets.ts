/**
 * Secrets in a config file, taken out of a backup and put back on restore. The places that hold them:
 * every `env` value of a server entry, every `headers` value (remote servers' bearer tokens),
 * `orchestrator.webhooks[].secret`, and a webhook `url` that carries a credential (a user and password,
 * a query string, or a service such as Slack or Discord whose hook URLs hold their token in the path). A bare reference such as `${GITHUB_TOKEN}` is kept: it names where
 * the secret lives, not the secret. Edits go through jsonc-parser, so comments and layout survive.
 *
 * A redacted value reads `${ORCH_REDACTED}`. Restore never writes one: it takes the value the same key
 * has in the config it replaces, or refuses, naming the keys. Were one ever written, it is a reference
 * to an unset variable, so the config fails to load instead of running a server with a wrong secret.
 */
import { applyEdits, modify, type JSONPath } from 'jsonc-parser';
import { formatPath } from '../config/load.js';
import { parseJsonc } from '../config/json.js';

export const REDACTED = '${ORCH_REDACTED}';
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** The value at `path`, or undefined where the path leads nowhere. */
function valueAt(root: unknown, path: JSONPath): unknown {
  let node = root;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (asObject(node) && typeof key === 'string' && Object.hasOwn(node as Json, key)) node = (node as Json)[key];
    else return undefined;
  }
  return node;
}

function secretPaths(root: unknown): JSONPath[] {
  const paths: JSONPath[] = [];
  const config = asObject(root);
  for (const section of ['mcpServers', 'servers']) {
    for (const [name, entry] of Object.entries(asObject(config?.[section]) ?? {})) {
      for (const field of ['env', 'headers']) {
        for (const key of Object.keys(asObject(asObject(entry)?.[field]) ?? {})) paths.push([section, name, field, key]);
      }
    }
  }
  const hooks = asObject(config?.orchestrator)?.webhooks;
  if (Array.isArray(hooks)) {
    hooks.forEach((hook, index) => {
      paths.push(['orchestrator', 'webhooks', index, 'secret']);
      const url = asObject(hook)?.url;
      if (typeof url === 'string' && urlHoldsCredential(url)) paths.push(['orchestrator', 'webhooks', index, 'url']);
    });
  }
  return paths;
}

/** Hosts whose webhook URLs are bearer credentials themselves: whoever has one can post. */
const TOKEN_IN_PATH = /(^|\.)(hooks\.slack\.com|discord(app)?\.com|webhook\.office\.com|chat\.googleapis\.com)$/;

function urlHoldsCredential(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '' || url.search !== '' || TOKEN_IN_PATH.test(url.hostname);
  } catch {
    // Not a URL as written (a `${VAR}` inside it, say): kept out of the archive to be safe, unless a bare reference.
    return true;
  }
}

function setValue(text: string, path: JSONPath, value: string): string {
  return applyEdits(text, modify(text, path, value, {}));
}

/** The config with every secret replaced by {@link REDACTED}, and where they were (as `mcpServers.x.env.KEY`). */
export function redactSecrets(text: string): { text: string; redacted: string[] } {
  const root = parseJsonc(text);
  let result = text;
  const redacted: string[] = [];
  for (const path of secretPaths(root)) {
    const value = valueAt(root, path);
    if (typeof value !== 'string' || REFERENCE.test(value)) continue;
    result = setValue(result, path, REDACTED);
    redacted.push(formatPath(path));
  }
  return { text: result, redacted };
}

/** Every place in the config that holds {@link REDACTED}. */
function redactedPaths(node: unknown, path: JSONPath = []): JSONPath[] {
  if (node === REDACTED) return [path];
  if (Array.isArray(node)) return node.flatMap((child, index) => redactedPaths(child, [...path, index]));
  const object = asObject(node);
  return object ? Object.entries(object).flatMap(([key, child]) => redactedPaths(child, [...path, key])) : [];
}

/**
 * The config with each redacted value taken from `current` (the parsed config being replaced, if
 * any): the keys taken, and those `current` has no value for.
 */
export function restoreSecrets(text: string, current: unknown): { text: string; taken: string[]; missing: string[] } {
  let result = text;
  const taken: string[] = [];
  const missing: string[] = [];
  for (const path of redactedPaths(parseJsonc(text))) {
    const value = valueAt(current, path);
    if (typeof value === 'string' && value !== REDACTED) {
      result = setValue(result, path, value);
      taken.push(formatPath(path));
    } else {
      missing.push(formatPath(path));
    }
  }
  return { text: result, taken, missing };
}
