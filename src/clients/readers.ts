/**
 * Reads one client file into plain server entries in orch's shape. Never throws for the file's sake:
 * a file that is missing is not found, one orch cannot read or parse is found with the reason.
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { parseJsonc } from '../config/json.js';
import { errorMessage, fsReason } from '../errors.js';
import type { ClientFile, ClientId } from './locations.js';

/** A server as orch's config would hold it: a command (stdio) or a url (remote). */
export interface ServerEntry {
  type?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
}

export interface ClientServer {
  name: string;
  /** Claude Code's per-project entries in `~/.claude.json`: the project folder they belong to. */
  project?: string;
  entry: ServerEntry;
}

export interface FoundFile {
  client: ClientId;
  scope: 'user' | 'project';
  path: string;
  servers: ClientServer[];
  /** Why orch could not read the file or some of its entries. */
  problems: string[];
}

type Json = Record<string, unknown>;

export function readClientFile(file: ClientFile): FoundFile | undefined {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return found(file, [], [`cannot read it: ${fsReason(error)}`]);
  }
  let data: unknown;
  try {
    data = file.layout === 'codex-toml' ? parseToml(text) : parseJsonc(text);
  } catch (error) {
    return found(file, [], [`cannot parse it: ${oneLine(errorMessage(error))}`]);
  }
  if (!isObject(data)) return found(file, [], ['expected an object at the top level']);
  const problems: string[] = [];
  const servers = serverTables(file, data, problems).flatMap(({ table, where, project }) =>
    Object.entries(table).flatMap(([name, raw]) => {
      const entry = toEntry(raw);
      if (typeof entry === 'string') {
        problems.push(`${where}.${name}: ${entry}`);
        return [];
      }
      return [{ name, entry, ...(project !== undefined && { project }) }];
    }),
  );
  return found(file, servers, problems);
}

function found(file: ClientFile, servers: ClientServer[], problems: string[]): FoundFile {
  return { client: file.client, scope: file.scope, path: file.path, servers, problems };
}

interface Table {
  table: Json;
  where: string;
  project?: string;
}

/** The objects that map server names to entries, by the file's layout; a wrong type is a problem, a missing key is none. */
function serverTables(file: ClientFile, data: Json, problems: string[]): Table[] {
  const pick = (holder: Json, key: string, where: string, project?: string): Table[] => {
    const table = holder[key];
    if (table === undefined) return [];
    if (isObject(table)) return [{ table, where, ...(project !== undefined && { project }) }];
    problems.push(`${where}: expected an object of servers`);
    return [];
  };
  switch (file.layout) {
    case 'servers':
      return pick(data, 'servers', 'servers');
    case 'mcpServers':
      return pick(data, 'mcpServers', 'mcpServers');
    case 'codex-toml':
      return pick(data, 'mcp_servers', 'mcp_servers');
    case 'claude-code-user': {
      const projects = isObject(data.projects) ? Object.entries(data.projects) : [];
      return [
        ...pick(data, 'mcpServers', 'mcpServers'),
        ...projects.flatMap(([path, settings]) =>
          isObject(settings) ? pick(settings, 'mcpServers', `projects[${JSON.stringify(path)}].mcpServers`, path) : [],
        ),
      ];
    }
  }
}

/**
 * One client entry in orch's shape, or why it is not a server. Remote keys differ by client: `url`
 * (most), `serverUrl` (Windsurf), `httpUrl` (Gemini CLI's Streamable HTTP, where its `url` means SSE).
 */
export function toEntry(raw: unknown): ServerEntry | string {
  if (!isObject(raw)) return 'expected an object';
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  if (typeof raw.command === 'string') {
    const args = stringList(raw.args);
    const env = stringMap(raw.env);
    if (args === null) return 'args: expected a list of strings';
    if (env === null) return 'env: expected an object of strings';
    return { ...(type && { type }), command: raw.command, ...(args && { args }), ...(env && { env }), ...(typeof raw.cwd === 'string' && { cwd: raw.cwd }) };
  }
  const [url, remoteType] =
    typeof raw.httpUrl === 'string' ? [raw.httpUrl, 'http']
    : typeof raw.serverUrl === 'string' ? [raw.serverUrl, type]
    : typeof raw.url === 'string' ? [raw.url, type]
    : [undefined, undefined];
  if (url === undefined) return 'neither a command nor a url';
  const headers = stringMap(raw.headers) ?? undefined;
  return { ...(remoteType && { type: remoteType }), url, ...(headers && { headers }) };
}

/** Undefined when absent, null when malformed. */
function stringList(value: unknown): string[] | undefined | null {
  if (value === undefined) return undefined;
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
}

function stringMap(value: unknown): Record<string, string> | undefined | null {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) return null;
  return { ...value } as Record<string, string>;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
