/** Reads an MCP client config file into validated server definitions with their policies. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { z } from 'zod';
import { OrchError } from '../errors.js';
import { expandVariables, UnsetVariableError } from './expand.js';
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
  policy: Policy;
  /** Servers that must be `running` before this one starts (local ones; disabled ones allowed). */
  dependsOn: string[];
}

export interface RemoteServer {
  name: string;
  url: string;
  transport: string;
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
  return parseConfig(text, absolute, env);
}

/** Pure: `path` is used to name the file in errors and to resolve relative `cwd`s. */
export function parseConfig(text: string, path: string, env: NodeJS.ProcessEnv = {}): OrchConfig {
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

  for (const [name, entry, section] of entries) {
    if (seen.has(name)) {
      throw new OrchError('CONFIG_INVALID', `${file}: ${formatPath([section, name])}: "${name}" is defined in both mcpServers and servers`);
    }
    seen.add(name);
    if (entry.command === undefined) {
      remote.push({ name, url: entry.url ?? '', transport: entry.type ?? 'http' });
      continue;
    }
    const expand = (value: string, ...where: (string | number)[]) => {
      try {
        return expandVariables(value, env);
      } catch (error) {
        if (!(error instanceof UnsetVariableError)) throw error;
        throw new OrchError('CONFIG_INVALID', `${file}: ${formatPath([section, name, ...where])}: ${error.message}`);
      }
    };
    const cwd = entry.cwd === undefined ? undefined : resolve(configDir, expand(entry.cwd, 'cwd'));
    servers.push({
      name,
      command: expand(entry.command, 'command'),
      args: (entry.args ?? []).map((arg, index) => expand(arg, 'args', index)),
      env: Object.fromEntries([...(entry.env ?? [])].map(([key, value]) => [key, expand(value, 'env', key)])),
      cwd,
      disabled: entry.disabled ?? false,
      policy: resolvePolicy(orchestrator.defaults, orchestrator.servers?.get(name)),
      dependsOn: orchestrator.servers?.get(name)?.dependsOn ?? [],
    });
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

export function displayPath(path: string): string {
  const home = homedir();
  return path.startsWith(home + '/') ? `~${path.slice(home.length)}` : path;
}
