/** A home folder and a project folder holding every client's config in its real format: comments, unrelated keys. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureHome {
  root: string;
  home: string;
  project: string;
}

const FILES: Record<string, string> = {
  'home/.config/Claude/claude_desktop_config.json': `{
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }
  },
  "globalShortcut": "Ctrl+Space"
}`,
  'home/.claude.json': `{
  "numStartups": 12,
  "mcpServers": { "fetch": { "type": "stdio", "command": "uvx", "args": ["mcp-server-fetch"], "env": {} } },
  "projects": {
    "/srv/app": {
      "allowedTools": [],
      "mcpServers": { "db": { "command": "node", "args": ["db.js"], "env": { "DB_URL": "postgres://secret" } } }
    },
    "/srv/other": { "allowedTools": [] }
  }
}`,
  'project/.mcp.json': `{ "mcpServers": { "docs": { "type": "http", "url": "https://example.com/mcp" } } }`,
  'home/.cursor/mcp.json': `{
  // Cursor's own file: comments are allowed
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory", "--other"] },
  }
}`,
  'project/.cursor/mcp.json': `{ "mcpServers": { "sentry": { "url": "https://mcp.sentry.dev/mcp", "headers": { "Authorization": "Bearer x" } } } }`,
  'home/.config/Code/User/mcp.json': `{
  "inputs": [{ "type": "promptString", "id": "api-key", "password": true }],
  "servers": {
    // VS Code's key is "servers"
    "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp/" },
    "everything": { "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-everything"] }
  }
}`,
  'project/.vscode/mcp.json': `{ "servers": { "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] } } }`,
  'home/.codeium/windsurf/mcp_config.json': `{ "mcpServers": { "zapier": { "serverUrl": "https://actions.zapier.com/mcp/KEY/sse" } } }`,
  'home/.gemini/settings.json': `{
  "theme": "Dracula",
  "mcpServers": {
    "git": { "command": "uvx", "args": ["mcp-server-git"], "trust": false },
    "gh": { "httpUrl": "https://api.githubcopilot.com/mcp/", "timeout": 5000 }
  }
}`,
  'home/.codex/config.toml': `model = "o4-mini"

# Codex keeps its servers in TOML tables
[mcp_servers.context7]
command = "npx"
args = ["-y", "@upstash/context7-mcp"]
env = { "API_KEY" = "value" }

[mcp_servers.remote]
url = "https://example.com/mcp"
`,
};

export function makeFixtureHome(): FixtureHome {
  const root = mkdtempSync(join(tmpdir(), 'orch-clients-'));
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { root, home: join(root, 'home'), project: join(root, 'project') };
}
