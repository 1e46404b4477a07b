/**
 * One server as its pod runs it: the config entry `orch serve` reads from the ConfigMap, the keys of
 * its Secret, and what the image must install.
 *
 * No value reaches the entry. Each `env` value becomes a `${KEY}` reference to the Secret, which the
 * container gets as its environment; `command` and `args` are taken as written, with their `${VAR}`s
 * unexpanded (expanded, `--api-key ${API_KEY}` would carry the key), and every variable they name
 * becomes a Secret key too, unless the container sets it itself (`HOME`).
 */
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ServerDefinition } from '../config/load.js';
import { inputEnvName } from '../config/inputs.js';
import { variableReferences } from '../config/expand.js';
import { OrchError } from '../errors.js';
import { isPinned, parseNpx } from './npx.js';

/** Where the image holds orch's package, and each server's installed packages. */
const APP_DIR = '/app';
const INSTALL_DIR = '/opt/mcp';
/** What the container sets for orch, or orch reads (`ORCH_TOKEN` beats `--token-file`): a server's own value for one travels under another key. */
const CONTAINER_ENV = new Set(['HOME', 'PATH', 'NODE_OPTIONS', 'ORCH_HOME', 'ORCH_PORT', 'ORCH_TOKEN']);
/** Resolved by orch in the pod, from the pod: no Secret key. */
const POD_VARIABLES = new Set([...CONTAINER_ENV, 'TMPDIR', 'userHome', 'workspaceFolder']);

export interface ConfigEntry {
  command: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}

export interface ServerPlan {
  name: string;
  entry: ConfigEntry;
  /** Secret keys in order; values only with `--with-secrets`, else empty. */
  secret: Map<string, string>;
  /** Packages the image installs into `prefix` (npx servers). */
  install?: { prefix: string; packages: string[]; bin?: string };
  /** The command the image cannot provide, as written. */
  notInImage?: string;
  notes: string[];
}

/** Where values come from under `--with-secrets`. */
export interface SecretSource {
  env(name: string): string | undefined;
  input(id: string): string | undefined;
}

interface PlanContext {
  /** orch's own package folder here: paths inside it point into the image at APP_DIR. */
  packageRoot: string;
  /** undefined: keys only. */
  values?: SecretSource;
}

export function planServer(
  server: ServerDefinition,
  written: { command: string; args: string[] },
  object: string,
  context: PlanContext,
): ServerPlan {
  const notes: string[] = [];
  const secret = new Map<string, string>();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(server.env)) {
    const secretKey = secretKeyFor(key);
    if (secret.has(secretKey)) throw new OrchError('CONFIG_INVALID', `${server.name}: env ${key} and another variable would share the Secret key ${secretKey}: rename one`);
    secret.set(secretKey, context.values ? value : '');
    env[key] = `\${${secretKey}}`;
  }
  const run = runInImage(server.name, written, object, context.packageRoot, notes);
  for (const reference of [run.command, ...run.args].flatMap(variableReferences)) {
    if (reference.kind === 'editor') continue;
    if (reference.kind === 'input') {
      const key = inputEnvName(reference.id);
      if (!secret.has(key)) secret.set(key, context.values?.input(reference.id) ?? '');
    } else if (reference.name === 'workspaceFolder') {
      notes.push(`${server.name}: \${workspaceFolder} has no meaning in a pod: write the path in the config`);
    } else if (!POD_VARIABLES.has(reference.name) && !secret.has(reference.name)) {
      secret.set(reference.name, context.values?.env(reference.name) ?? '');
    }
  }
  const cwd = server.cwd === undefined ? undefined : mapPath(server.cwd, context.packageRoot);
  if (cwd !== undefined && !inApp(cwd)) notes.push(`${server.name}: its cwd ${cwd} is a folder on this machine: the image must hold it`);
  const entry: ConfigEntry = { command: run.command, args: run.args, ...(cwd !== undefined && { cwd }), ...(Object.keys(env).length > 0 && { env }) };
  const { install, notInImage } = run;
  return { name: server.name, entry, secret, ...(install && { install }), ...(notInImage !== undefined && { notInImage }), notes };
}

/** The command as the image runs it: an npx package from where the image installed it, node from the image, anything else as written. */
function runInImage(name: string, written: { command: string; args: string[] }, object: string, packageRoot: string, notes: string[]) {
  const command = mapPath(written.command, packageRoot);
  const args = written.args.map((arg) => mapPath(arg, packageRoot));
  const program = basename(command);
  if (program === 'node') {
    const script = args.find((arg) => !arg.startsWith('-'));
    if (script !== undefined && isAbsolute(script) && !inApp(script)) notes.push(`${name}: runs ${script}, a file on this machine: the image must hold it`);
    return { command: inApp(command) ? command : 'node', args };
  }
  const npx = program === 'npx' ? parseNpx(args) : undefined;
  if (npx === undefined || 'problem' in npx) {
    const why = npx === undefined ? '' : ` (${npx.problem})`;
    return { command, args, notInImage: `${[written.command, ...written.args].join(' ')}${why}` };
  }
  const prefix = `${INSTALL_DIR}/${object}`;
  const loose = npx.packages.filter((spec) => !isPinned(spec));
  if (loose.length > 0) notes.push(`${name}: ${loose.join(', ')} has no version: the image gets the newest when it is built (pin one: ${loose[0]}@x.y.z)`);
  const install = { prefix, packages: npx.packages, ...(npx.bin !== undefined && { bin: npx.bin }) };
  return { command: `${prefix}/server`, args: npx.args, install };
}

/** A variable's key in the Secret: its own name, unless `${NAME}` cannot spell it or the container sets it for orch. */
function secretKeyFor(key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !CONTAINER_ENV.has(key)) return key;
  return `ORCH_SERVER_ENV_${key.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** A path inside orch's package folder, as the image holds it; anything else unchanged. */
function mapPath(path: string, packageRoot: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(packageRoot, resolve(path));
  if (inside === '') return APP_DIR;
  return inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) ? path : `${APP_DIR}/${inside}`;
}

function inApp(path: string): boolean {
  return path === APP_DIR || path.startsWith(`${APP_DIR}/`);
}
