/** Finding every client's config, reading each format, and `orch clients` / `orch import` from source. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findClientConfigs } from '../../src/clients/discover.js';
import { addServers, planImport } from '../../src/clients/merge.js';
import { parseJsonc } from '../../src/config/json.js';
import { makeFixtureHome, type FixtureHome } from './fixture-home.js';

const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
// Resolved here: `--import tsx` is looked up from the child's cwd, which is the fixture project.
const TSX = import.meta.resolve('tsx');

/** runOrch with HOME and the working folder of our choosing (project files are read from the cwd). */
function orch(args: string[], fixture: FixtureHome): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, HOME: fixture.home, ORCH_HOME: join(fixture.root, 'orch'), NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, BIN, ...args], { cwd: fixture.project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let fixture: FixtureHome;
beforeEach(() => (fixture = makeFixtureHome()));
afterEach(() => rmSync(fixture.root, { recursive: true, force: true }));

describe('findClientConfigs', () => {
  it("reads every client's user and project files in their own formats", () => {
    const found = findClientConfigs(fixture.home, fixture.project);
    const summary = found.map((f) => [f.client, f.scope, f.servers.map((s) => s.name)]);
    expect(summary).toEqual([
      ['claude-desktop', 'user', ['memory']],
      ['claude-code', 'user', ['fetch', 'db']],
      ['claude-code', 'project', ['docs']],
      ['cursor', 'user', ['memory']],
      ['cursor', 'project', ['sentry']],
      ['vscode', 'user', ['github', 'everything']],
      ['vscode', 'project', ['memory']],
      ['windsurf', 'user', ['zapier']],
      ['gemini', 'user', ['git', 'gh']],
      ['codex', 'user', ['context7', 'remote']],
    ]);
    expect(found.every((f) => f.problems.length === 0)).toBe(true);
    const server = (client: string, name: string) => found.find((f) => f.client === client)!.servers.find((s) => s.name === name)!;
    expect(server('claude-code', 'db')).toEqual({ name: 'db', project: '/srv/app', entry: { command: 'node', args: ['db.js'], env: { DB_URL: 'postgres://secret' } } });
    expect(server('codex', 'context7').entry).toEqual({ command: 'npx', args: ['-y', '@upstash/context7-mcp'], env: { API_KEY: 'value' } });
    expect(server('windsurf', 'zapier').entry).toEqual({ url: 'https://actions.zapier.com/mcp/KEY/sse' });
    expect(server('gemini', 'gh').entry).toEqual({ type: 'http', url: 'https://api.githubcopilot.com/mcp/' });
  });

  it('lists a file it cannot parse, and an entry it cannot use, with why', () => {
    writeFileSync(join(fixture.home, '.cursor/mcp.json'), '{ "mcpServers": { "x": ');
    writeFileSync(join(fixture.home, '.codex/config.toml'), '[mcp_servers.a\ncommand = 1');
    writeFileSync(join(fixture.home, '.codeium/windsurf/mcp_config.json'), '{ "mcpServers": { "bad": { "args": [] }, "ok": { "command": "x" } } }');
    const found = findClientConfigs(fixture.home, fixture.project, ['cursor', 'codex', 'windsurf']);
    const byPath = (end: string) => found.find((f) => f.path.endsWith(end))!;
    expect(byPath('.cursor/mcp.json').problems[0]).toMatch(/^cannot parse it: invalid JSON/);
    expect(byPath('.codex/config.toml').problems[0]).toMatch(/^cannot parse it: /);
    expect(byPath('.codex/config.toml').problems[0]).not.toContain('\n');
    expect(byPath('mcp_config.json')).toMatchObject({ servers: [{ name: 'ok' }], problems: ['mcpServers.bad: neither a command nor a url'] });
  });
});

describe('planImport and addServers', () => {
  it('adds new names, skips identical ones and reports a different server under a taken name', () => {
    const entry = { command: 'npx', args: ['a'], env: { B: '2', A: '1' } };
    const existing = new Map<string, unknown>([['same', { command: 'npx', args: ['a'], env: { A: '1', B: '2' }, disabled: false }], ['taken', { command: 'other' }]]);
    const at = (name: string, path = '/c.json') => ({ name, client: 'cursor' as const, path, entry });
    const plan = planImport(existing, [at('same'), at('taken'), at('new'), at('new', '/d.json'), at('')], '~/.mcp.json');
    expect(plan.add.map((c) => c.name)).toEqual(['new']);
    expect(plan.same.map((c) => c.path)).toEqual(['/c.json', '/d.json']);
    expect(plan.clash).toEqual([{ candidate: at('taken'), against: '~/.mcp.json' }]);
    expect(plan.invalid[0]!.reason).toMatch(/cannot be empty/);
  });

  it('writes into mcpServers and keeps comments and other keys', () => {
    const text = '{\n  // mine\n  "orchestrator": { "port": 5001 },\n  "mcpServers": {\n    "a": { "command": "a" } // first\n  }\n}\n';
    const out = addServers(text, [{ name: 'b', client: 'gemini', path: '/g', entry: { command: 'b', args: ['1'] } }]);
    expect(out).toContain('// mine');
    expect(out).toContain('// first');
    expect(parseJsonc(out)).toEqual({ orchestrator: { port: 5001 }, mcpServers: { a: { command: 'a' }, b: { command: 'b', args: ['1'] } } });
    expect(parseJsonc(addServers('', [{ name: 'c', client: 'codex', path: '/x', entry: { url: 'https://u' } }]))).toEqual({ mcpServers: { c: { url: 'https://u' } } });
  });
});

describe('orch clients and orch import', () => {
  it('clients --json finds every fixture file, shows env names but never values', async () => {
    const { code, stdout } = await orch(['clients', '--json'], fixture);
    expect(code).toBe(0);
    const { files } = JSON.parse(stdout) as { files: { client: string; path: string; servers: { name: string; envNames?: string[] }[] }[] };
    expect(files.map((f) => f.client)).toEqual(['claude-desktop', 'claude-code', 'claude-code', 'cursor', 'cursor', 'vscode', 'vscode', 'windsurf', 'gemini', 'codex']);
    expect(files.every((f) => f.path.startsWith(fixture.root))).toBe(true);
    expect(files[1]!.servers.find((s) => s.name === 'db')!.envNames).toEqual(['DB_URL']);
    expect(stdout).not.toContain('postgres://secret');
  });

  it('clients lists an unparseable file with why, in text as well', async () => {
    writeFileSync(join(fixture.home, '.gemini/settings.json'), '{ "mcpServers": oops }');
    const { code, stdout } = await orch(['clients'], fixture);
    expect(code).toBe(0);
    expect(stdout).toMatch(/gemini \(user\) ~\/\.gemini\/settings\.json\n {2}! cannot parse it: invalid JSON/);
    expect(stdout).toContain('memory  npx -y @modelcontextprotocol/server-memory');
  });

  it('import without --yes off a terminal prints the plan, writes nothing and exits 1', async () => {
    const config = join(fixture.root, 'orch.json');
    writeFileSync(config, '{ "mcpServers": {} }');
    const { code, stdout, stderr } = await orch(['import', 'cursor', '--config', config], fixture);
    expect(code).toBe(1);
    expect(stdout).toContain('  add    memory');
    expect(stderr).toMatch(/nothing written: pass --yes/);
    expect(readFileSync(config, 'utf8')).toBe('{ "mcpServers": {} }');
    expect(readdirSync(fixture.root).filter((f) => f.includes('orch-import'))).toEqual([]);
  });

  it('import --yes merges, reports clashes and identical servers, and keeps the previous file', async () => {
    const config = join(fixture.root, 'orch.json');
    const before = '{\n  // my servers\n  "mcpServers": {\n    "git": { "command": "uvx", "args": ["mcp-server-git"] }\n  }\n}\n';
    writeFileSync(config, before);
    const { code, stdout, stderr } = await orch(['import', 'claude-desktop', 'cursor', 'gemini', '--yes', '--config', config], fixture);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/ {2}add {4}memory {2}npx -y @modelcontextprotocol\/server-memory {2}from claude-desktop/);
    expect(stdout).toMatch(/ {2}clash {2}memory {2}from cursor \(~\/\.cursor\/mcp\.json\): a different "memory" is in claude-desktop .*; skipped/);
    expect(stdout).toMatch(/ {2}same {3}git {2}from gemini .*: already there/);
    const after = readFileSync(config, 'utf8');
    expect(after).toContain('// my servers');
    expect(Object.keys((parseJsonc(after) as { mcpServers: object }).mcpServers)).toEqual(['git', 'memory', 'sentry', 'gh']);
    const kept = readdirSync(fixture.root).filter((f) => f.startsWith('orch.json.orch-import-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(fixture.root, kept[0]!), 'utf8')).toBe(before);
    expect(stdout).toContain(`the previous file is ${join(fixture.root, kept[0]!)}`);
  });

  it('import with no client named takes every client found', async () => {
    const config = join(fixture.root, 'all.json');
    const { code, stdout } = await orch(['import', '--yes', '--config', config], fixture);
    expect(code).toBe(0);
    const names = Object.keys((parseJsonc(readFileSync(config, 'utf8')) as { mcpServers: object }).mcpServers);
    expect(names).toEqual(['memory', 'fetch', 'db', 'docs', 'sentry', 'github', 'everything', 'zapier', 'git', 'gh', 'context7', 'remote']);
    expect(stdout).toMatch(/clash {2}memory {2}from cursor/);
    expect(stdout).toMatch(/same {3}memory {2}from vscode/);
  });

  it('import creates a missing config, and refuses an unknown client id', async () => {
    const config = join(fixture.root, 'new.json');
    expect((await orch(['import', 'codex', '--yes', '--config', config], fixture)).code).toBe(0);
    expect(parseJsonc(readFileSync(config, 'utf8'))).toEqual({
      mcpServers: { context7: { command: 'npx', args: ['-y', '@upstash/context7-mcp'], env: { API_KEY: 'value' } }, remote: { url: 'https://example.com/mcp' } },
    });
    const bad = await orch(['import', 'emacs', '--config', config], fixture);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown client "emacs" \(known: claude-desktop, claude-code/);
    expect(readdirSync(fixture.root).filter((f) => f.startsWith('new.json.'))).toEqual([]);
  });
});
