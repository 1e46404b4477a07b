/** Reads an MCP client config file into validated server definitions with their policies. */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { OrchError } from '../errors.js';
import { expandVariables, UnsetVariableError } from './expand.js';
import { resolvePolicy, type Policy } from './policy.js';
import { configFileSchema, type ServerEntry } from './schema.js';

export interface ServerDefinition {
  name: string;
  command: string;
  args: string[];
  /** Only the variables the config sets; they are merged over orch's own environment at spawn. */
  env: Record<string, string>;
  cwd: string | undefined;
  disabled: boolean;
  policy: Policy;
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
}

export const DEFAULT_PORT = 5000;
export const DEFAULT_SAMPLE_INTERVAL_MS = 2_000;
/** Names become file names and URL segments, so they are kept to a safe alphabet. */
const SERVER_NAME = /^[A-Za-z0-9_@][A-Za-z0-9_.@-]*$/;

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
  const syntaxErrors: ParseError[] = [];
  // JSONC, because VS Code's mcp.json allows comments and trailing commas.
  const raw: unknown = parseJsonc(text, syntaxErrors, { allowTrailingComma: true });
  const syntaxError = syntaxErrors[0];
  if (syntaxError) {
    const { line, column } = lineAndColumn(text, syntaxError.offset);
    throw new OrchError(
      'CONFIG_SYNTAX',
      `${file}:${line}:${column}: invalid JSON (${describeSyntaxError(syntaxError)})`,
    );
  }

  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues);
  const { mcpServers = {}, servers: vscodeServers = {}, orchestrator = {} } = parsed.data;

  const entries: [string, ServerEntry, string][] = [
    ...Object.entries(mcpServers).map(([name, entry]) => [name, entry, 'mcpServers'] as [string, ServerEntry, string]),
    ...Object.entries(vscodeServers).map(([name, entry]) => [name, entry, 'servers'] as [string, ServerEntry, string]),
  ];
  const seen = new Set<string>();
  const servers: ServerDefinition[] = [];
  const remote: RemoteServer[] = [];
  const configDir = dirname(path);

  for (const [name, entry, section] of entries) {
    const at = formatPath([section, name]);
    if (!SERVER_NAME.test(name)) {
      throw new OrchError(
        'CONFIG_INVALID',
        `${file}: ${at}: server names may hold letters, digits, "_", "-", "." and "@" only`,
      );
    }
    if (seen.has(name)) {
      throw new OrchError('CONFIG_INVALID', `${file}: ${at}: "${name}" is defined in both mcpServers and servers`);
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
      env: Object.fromEntries(
        Object.entries(entry.env ?? {}).map(([key, value]) => [key, expand(value, 'env', key)]),
      ),
      cwd,
      disabled: entry.disabled ?? false,
      policy: resolvePolicy(orchestrator.defaults, orchestrator.servers?.[name]),
    });
  }

  for (const name of Object.keys(orchestrator.servers ?? {})) {
    if (!seen.has(name)) {
      const known = [...seen].join(', ') || 'none';
      throw new OrchError(
        'CONFIG_INVALID',
        `${file}: ${formatPath(['orchestrator', 'servers', name])}: no server is named "${name}" (known: ${known})`,
      );
    }
  }
  return {
    path,
    port: orchestrator.port ?? DEFAULT_PORT,
    sampleIntervalMs: orchestrator.sampling?.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS,
    servers,
    remote,
  };
}

function invalid(file: string, issues: z.core.$ZodIssue[]): OrchError {
  const lines = issues.slice(0, 5).map((issue) => {
    const where = issue.path.length ? formatPath(issue.path) : '(top level)';
    return `${file}: ${where}: ${describeIssue(issue)}`;
  });
  if (issues.length > 5) lines.push(`…and ${issues.length - 5} more problems`);
  return new OrchError('CONFIG_INVALID', lines.join('\n'), { issues: issues.length });
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
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

function describeSyntaxError(error: ParseError): string {
  return printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

export function displayPath(path: string): string {
  const home = homedir();
  return path.startsWith(home + '/') ? `~${path.slice(home.length)}` : path;
}
