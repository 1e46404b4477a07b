/** Reads an MCP client config file into validated server definitions with their policies. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { displayPath } from '../display-path.js';
import { fsReason, OrchError } from '../errors.js';
import { resolveHome } from '../home.js';
import type * as z from '../zod.js';
import { expandVariables, MissingInputError, UnsetVariableError, type Variables } from './expand.js';
import { inputLookup, readSecrets, secretsFile, type Secrets } from './inputs.js';
import { JsonTextError, parseJsonc } from './json.js';
import { resolvePolicy, type Policy } from './policy.js';
import { relationProblems, type Group } from './relations.js';
import { configFileSchema, type ServerEntry } from './schema.js';
import { resolveWebhooks, type Webhook } from './webhooks.js';

export interface ServerDefinition {
  name: string;
  command: string;
  args: string[];
  /** Only the variables the config sets; they are merged over orch's own environment at spawn. */
  env: Record<string, string>;
  cwd: string | undefined;
  disabled: boolean;
  /** Why a server cannot run as written (an `${input:…}` with no value); such a server is also `disabled`. */
  unavailable?: string;
  policy: Policy;
  /** Servers that must be `running` before this one starts (local ones; disabled ones allowed). */
  dependsOn: string[];
}

/** A `url` entry: orch probes it and proxies `/mcp/NAME` to it, and runs nothing. */
export interface RemoteServer {
  name: string;
  /** `${VAR}`-expanded, like the headers. */
  url: string;
  /** The entry's `type` as written (`http` when absent): `sse` is the old HTTP+SSE transport, anything else Streamable HTTP. */
  transport: string;
  /** Sent with every probe and proxied request: they carry the remote's credentials, so they are never shown. */
  headers: Record<string, string>;
  /** Of it only `health` (the probe's interval and timeout) and `gateway.requestTimeoutMs` apply. */
  policy: Policy;
  /** Why it cannot be reached as written (an `${input:…}` with no value); such a remote is not probed. */
  unavailable?: string;
}

export interface OrchConfig {
  path: string;
  port: number;
  /** How often every server's process tree is sampled. */
  sampleIntervalMs: number;
  servers: ServerDefinition[];
  remote: RemoteServer[];
  /** `@name` on the command line and in the API means these servers; in config order. */
  groups: Group[];
  /** Reload when the file changes (`orchestrator.watch`). */
  watch: boolean;
  /** Where transitions are posted (`orchestrator.webhooks`), `url` and `secret` expanded; in config order. */
  webhooks: Webhook[];
}

export const DEFAULT_PORT = 5000;
export const DEFAULT_SAMPLE_INTERVAL_MS = 2_000;

export function defaultConfigPath(): string {
  return join(homedir(), '.mcp.json');
}

export async function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Promise<OrchConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new OrchError('CONFIG_NOT_FOUND', `${displayPath(absolute)}: no such file (pass --config PATH)`);
    }
    throw new OrchError('CONFIG_UNREADABLE', `${displayPath(absolute)}: cannot read it (${code ?? error})`);
  }
  const secrets = readSecrets(secretsFile(resolveHome(env)));
  return parseConfig(text, absolute, env, { readFile: (file) => readFileSync(file, 'utf8'), secrets });
}

/** What a config refers to outside itself; parseConfig is handed it so that it stays pure. */
export interface ConfigSources {
  /** Reads an `envFile`; without it envFiles are not read (a check of the file that spawns nothing). */
  readFile?: (path: string) => string;
  /** orch's secret store, for `${input:ID}` (the environment's `ORCH_INPUT_ID` comes first). */
  secrets?: Secrets;
  userHome?: string;
}

/** Pure: `path` is used to name the file in errors and to resolve relative `cwd`s and `envFile`s. */
export function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv = {}, sources: ConfigSources = {}): OrchConfig {
  const file = displayPath(path);
  if (text.trim() === '') throw new OrchError('CONFIG_SYNTAX', `${file}: the file is empty`);
  let raw: unknown;
  try {
    raw = parseJsonc(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const code = error.kind === 'syntax' ? 'CONFIG_SYNTAX' : 'CONFIG_INVALID';
    throw new OrchError(code, `${file}:${error.at.line}:${error.at.column}: ${error.message}`);
  }

  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues.map((issue) => ({ path: issue.path, message: describeIssue(issue) })));
  const { mcpServers, servers: vscodeServers, orchestrator = {} } = parsed.data;

  const entries: [string, ServerEntry, string][] = [
    ...[...(mcpServers ?? [])].map(([name, entry]) => [name, entry, 'mcpServers'] as [string, ServerEntry, string]),
    ...[...(vscodeServers ?? [])].map(([name, entry]) => [name, entry, 'servers'] as [string, ServerEntry, string]),
  ];
  const seen = new Set<string>();
  const servers: ServerDefinition[] = [];
  const remote: RemoteServer[] = [];
  const configDir = dirname(path);
  const variables: Variables = {
    env,
    userHome: sources.userHome ?? homedir(),
    // VS Code's workspace file is `<workspace>/.vscode/mcp.json`; any other file has no workspace.
    workspaceFolder:
      basename(configDir) === '.vscode' ? dirname(configDir) : { unresolvable: 'this file is not in a workspace (only a .vscode/mcp.json is)' },
    input: inputLookup(sources.secrets ?? {}, env),
  };

  for (const [name, entry, section] of entries) {
    if (seen.has(name)) {
      throw new OrchError('CONFIG_INVALID', `${file}: ${formatPath([section, name])}: "${name}" is defined in both mcpServers and servers`);
    }
    seen.add(name);
    const at = (...where: (string | number)[]) => `${file}: ${formatPath([section, name, ...where])}`;
    const missing = new Set<string>();
    // `undefined` for a missing input: the server is kept, marked unavailable, and never given the text.
    const expand = (value: string, ...where: (string | number)[]): string | undefined => {
      try {
        return expandVariables(value, variables);
      } catch (error) {
        if (error instanceof MissingInputError) {
          missing.add(error.id);
          return undefined;
        }
        if (!(error instanceof UnsetVariableError)) throw error;
        throw new OrchError('CONFIG_INVALID', `${at(...where)}: ${error.message}`);
      }
    };
    const policy = resolvePolicy(orchestrator.defaults, orchestrator.servers?.get(name));
    if (entry.command === undefined) {
      const far: RemoteServer = {
        name,
        url: expand(entry.url ?? '', 'url') ?? '',
        transport: entry.type ?? 'http',
        headers: readHeaders(entry.headers, (value, key) => expand(value, 'headers', key), at),
        policy,
      };
      if (missing.size > 0) far.unavailable = unavailableReason([...missing]);
      remote.push(far);
      continue;
    }
    const cwd = entry.cwd === undefined ? undefined : resolve(configDir, expand(entry.cwd, 'cwd') ?? '');
    const fromFile = readEnvFile(entry.envFile, (value) => expand(value, 'envFile'), configDir, at('envFile'), sources.readFile);
    const ownEnv = [...(entry.env ?? [])].map(([key, value]) => [key, expand(value, 'env', key)]);
    const server: ServerDefinition = {
      name,
      command: expand(entry.command, 'command') ?? '',
      args: (entry.args ?? []).map((arg, index) => expand(arg, 'args', index) ?? ''),
      // The entry's own `env` wins over its envFile, as in VS Code.
      env: { ...fromFile, ...Object.fromEntries(ownEnv.filter(([, value]) => value !== undefined)) },
      cwd,
      disabled: (entry.disabled ?? false) || missing.size > 0,
      policy,
      dependsOn: orchestrator.servers?.get(name)?.dependsOn ?? [],
    };
    if (missing.size > 0) server.unavailable = unavailableReason([...missing]);
    servers.push(server);
  }

  for (const name of orchestrator.servers?.keys() ?? []) {
    if (!seen.has(name)) {
      const known = [...seen].join(', ') || 'none';
      throw new OrchError(
        'CONFIG_INVALID',
        `${file}: ${formatPath(['orchestrator', 'servers', name])}: no server is named "${name}" (known: ${known})`,
      );
    }
  }
  const groups = orchestrator.groups ?? new Map<string, string[]>();
  const dependsOn = new Map<string, string[]>();
  for (const [name, settings] of orchestrator.servers ?? []) if (settings.dependsOn) dependsOn.set(name, settings.dependsOn);
  const hooks = resolveWebhooks(orchestrator.webhooks ?? [], env);
  const problems = [
    ...relationProblems({
      names: [...seen],
      remote: new Set(remote.map((r) => r.name)),
      groups,
      dependsOn,
      webhookServers: (orchestrator.webhooks ?? []).map((hook) => hook.servers),
    }),
    ...hooks.problems,
  ];
  if (problems.length > 0) throw invalid(file, problems);
  return {
    path,
    port: orchestrator.port ?? DEFAULT_PORT,
    sampleIntervalMs: orchestrator.sampling?.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    servers,
    remote,
    groups: [...groups].map(([name, members]) => ({ name, members })),
    watch: orchestrator.watch ?? false,
    webhooks: hooks.webhooks,
  };
}

/** The variables of a server's `envFile` (dotenv syntax, relative to the config's folder); `{}` when not read. */
function readEnvFile(
  value: unknown,
  expand: (text: string) => string | undefined,
  configDir: string,
  at: string,
  read: ConfigSources['readFile'],
): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new OrchError('CONFIG_INVALID', `${at}: expected a file path`);
  const expanded = expand(value);
  if (expanded === undefined || !read) return {};
  const absolute = resolve(configDir, expanded);
  let text: string;
  try {
    text = read(absolute);
  } catch (error) {
    throw new OrchError('CONFIG_INVALID', `${at}: cannot read ${displayPath(absolute)} (${readProblem(error)})`);
  }
  return parseDotenv(text);
}

/** A remote's `headers`: an object of strings, each `${VAR}`-expanded (a header with a missing input is left out). */
function readHeaders(
  value: unknown,
  expand: (text: string, key: string) => string | undefined,
  at: (...where: string[]) => string,
): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OrchError('CONFIG_INVALID', `${at('headers')}: expected an object of header names and values`);
  }
  const headers = Object.entries(value).map(([key, text]) => {
    if (typeof text !== 'string') throw new OrchError('CONFIG_INVALID', `${at('headers', key)}: expected a string`);
    return [key, expand(text, key)] as const;
  });
  // fromEntries defines own keys: a header named __proto__ stays a header.
  return Object.fromEntries(headers.filter((header): header is readonly [string, string] => header[1] !== undefined));
}

function readProblem(error: unknown): string {
  const { code } = error as NodeJS.ErrnoException;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return fsReason(error);
}

function unavailableReason(ids: string[]): string {
  return `needs input${ids.length > 1 ? 's' : ''} ${ids.join(', ')}: ${ids.map((id) => `orch secret set ${id}`).join(', ')}`;
}

function invalid(file: string, problems: { path: readonly PropertyKey[]; message: string }[]): OrchError {
  const lines = problems.slice(0, 5).map(({ path, message }) => `${file}: ${path.length ? formatPath(path) : '(top level)'}: ${message}`);
  if (problems.length > 5) lines.push(`…and ${problems.length - 5} more problems`);
  return new OrchError('CONFIG_INVALID', lines.join('\n'), { issues: problems.length });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const key = String(part);
      if (/^[A-Za-z_$][\w$-]*$/.test(key)) return index === 0 ? key : `.${key}`;
      return `[${quote(key)}]`;
    })
    .join('');
}

/** A JSON string literal with every control character escaped (JSON.stringify leaves DEL and C1 raw). */
function quote(key: string): string {
  return JSON.stringify(key).replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
