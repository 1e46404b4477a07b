/**
 * Where each MCP client keeps its servers, on Linux and macOS. Every candidate is listed whatever the
 * platform (a file that is not there is simply not found), so one machine's test covers both layouts.
 * Sources: each client's documentation (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf,
 * Gemini CLI, Codex), checked 2026-11.
 */
import { join } from 'node:path';

export const CLIENT_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'gemini', 'codex'] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

/**
 * How servers sit in the file: under `mcpServers` or `servers` (JSON), Claude Code's user file (top
 * level plus `projects.<path>.mcpServers`), or Codex's `[mcp_servers.NAME]` TOML tables.
 */
export type FileLayout = 'mcpServers' | 'servers' | 'claude-code-user' | 'codex-toml';

export interface ClientFile {
  client: ClientId;
  scope: 'user' | 'project';
  path: string;
  layout: FileLayout;
}

export function isClientId(id: string): id is ClientId {
  return (CLIENT_IDS as readonly string[]).includes(id);
}

/** Every place a client may keep servers, user files from `home`, project files from `cwd`; no path twice. */
export function clientFiles(home: string, cwd: string): ClientFile[] {
  const user = (client: ClientId, layout: FileLayout, ...parts: string[]): ClientFile => ({ client, scope: 'user', path: join(home, ...parts), layout });
  const project = (client: ClientId, layout: FileLayout, ...parts: string[]): ClientFile => ({ client, scope: 'project', path: join(cwd, ...parts), layout });
  const macSupport = ['Library', 'Application Support'];
  const files = [
    user('claude-desktop', 'mcpServers', '.config', 'Claude', 'claude_desktop_config.json'),
    user('claude-desktop', 'mcpServers', ...macSupport, 'Claude', 'claude_desktop_config.json'),
    user('claude-code', 'claude-code-user', '.claude.json'),
    project('claude-code', 'mcpServers', '.mcp.json'),
    user('cursor', 'mcpServers', '.cursor', 'mcp.json'),
    project('cursor', 'mcpServers', '.cursor', 'mcp.json'),
    user('vscode', 'servers', '.config', 'Code', 'User', 'mcp.json'),
    user('vscode', 'servers', ...macSupport, 'Code', 'User', 'mcp.json'),
    project('vscode', 'servers', '.vscode', 'mcp.json'),
    user('windsurf', 'mcpServers', '.codeium', 'windsurf', 'mcp_config.json'),
    user('gemini', 'mcpServers', '.gemini', 'settings.json'),
    project('gemini', 'mcpServers', '.gemini', 'settings.json'),
    user('codex', 'codex-toml', '.codex', 'config.toml'),
    project('codex', 'codex-toml', '.codex', 'config.toml'),
  ];
  // Run from the home folder, a project file is the user file (or ~/.mcp.json, orch's own): keep the first.
  const seen = new Set<string>();
  return files.filter((file) => !seen.has(file.path) && seen.add(file.path));
}
