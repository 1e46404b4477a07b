/** `orch link` / `orch unlink` over every client's real file format, run in-process against a fixture home. */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { linkCommand, unlinkCommand, type LinkFlags } from '../../src/cli/commands/link.js';
import { connectTarget } from '../../src/clients/link.js';
import { parseJsonc } from '../../src/config/json.js';
import { packageRoot } from '../../src/package-root.js';
import { makeFixtureHome, type FixtureHome } from './fixture-home.js';

const BIN = join(packageRoot(), 'bin', 'orch.js');
const connect = (name: string) => [BIN, 'connect', name];

let fixture: FixtureHome;
let orchHome: string;
let config: string;
const cwd = process.cwd();

beforeEach(() => {
  fixture = makeFixtureHome();
  orchHome = join(fixture.root, 'orch');
  config = join(fixture.root, 'orch.json');
  vi.stubEnv('HOME', fixture.home);
  vi.stubEnv('ORCH_HOME', orchHome);
  process.chdir(fixture.project);
});

afterEach(() => {
  process.chdir(cwd);
  vi.unstubAllEnvs();
  rmSync(fixture.root, { recursive: true, force: true });
});

async function run(verb: 'link' | 'unlink', ids: string[], flags: LinkFlags = {}): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await (verb === 'link' ? linkCommand(ids, { config, ...flags }) : unlinkCommand(ids, flags));
  } finally {
    spy.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout };
}

/** Every file under the fixture root, by relative path: to prove what a verb did and did not touch. */
function snapshot(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(fixture.root, path), readFileSync(path));
    }
  };
  walk(fixture.root);
  return files;
}

const home = (path: string) => join(fixture.home, path);
const json = (path: string) => parseJsonc(readFileSync(path, 'utf8')) as Record<string, any>;
const copies = (path: string, tag: string) => readdirSync(join(path, '..')).filter((name) => name.startsWith(`${path.split('/').at(-1)}.${tag}-`));

describe('orch link and orch unlink', () => {
  it('links every client, keeping comments and other keys, and unlink restores every file byte for byte', async () => {
    const before = snapshot();
    const all = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'gemini', 'codex'];
    const linked = await run('link', all);
    expect(linked.code).toBe(0);
    const env = { ORCH_HOME: orchHome };

    expect(json(home('.config/Claude/claude_desktop_config.json'))).toEqual({ mcpServers: { memory: { command: process.execPath, args: connect('memory'), env } }, globalShortcut: 'Ctrl+Space' });
    const claude = json(home('.claude.json'));
    expect(claude.mcpServers.fetch).toEqual({ type: 'stdio', command: process.execPath, args: connect('fetch'), env });
    expect(claude.projects['/srv/app']).toEqual({ allowedTools: [], mcpServers: { db: { command: process.execPath, args: connect('db'), env } } });
    const vscode = readFileSync(home('.config/Code/User/mcp.json'), 'utf8');
    expect(vscode).toContain(`// VS Code's key is "servers"`);
    expect(parseJsonc(vscode)).toMatchObject({ inputs: [{ id: 'api-key' }], servers: { github: { type: 'http' }, everything: { type: 'stdio', args: connect('everything') } } });
    expect(json(home('.gemini/settings.json'))).toMatchObject({ theme: 'Dracula', mcpServers: { git: { command: process.execPath, trust: false }, gh: { timeout: 5000 } } });
    const codex = readFileSync(home('.codex/config.toml'), 'utf8');
    expect(codex).toContain('# Codex keeps its servers in TOML tables');
    expect(parseToml(codex)).toEqual({ model: 'o4-mini', mcp_servers: { context7: { command: process.execPath, args: connect('context7'), env }, remote: { url: 'https://example.com/mcp' } } });
    // Remote entries and the clashing one stay as they were.
    for (const path of ['project/.mcp.json', 'project/.cursor/mcp.json', 'home/.cursor/mcp.json', 'home/.codeium/windsurf/mcp_config.json']) {
      expect(readFileSync(join(fixture.root, path)), path).toEqual(before.get(path));
    }

    expect(linked.stdout).toMatch(/^ {2}skipped {2}docs {2}remote: left as is$/m);
    expect(linked.stdout).toMatch(/^ {2}linked {3}db \[project \/srv\/app\] {2}added to orch's config; its env is there, no longer in this file$/m);
    expect(linked.stdout).toMatch(/^ {2}skipped {2}memory {2}clash: a different "memory" is in claude-desktop .*; not linked/m);
    expect(linked.stdout).toContain('restart claude-desktop, claude-code, vscode, gemini, codex to use orch; undo with orch unlink claude-desktop claude-code vscode gemini codex');
    expect(copies(home('.claude.json'), 'orch-link')).toHaveLength(1);
    expect(statSync(join(orchHome, 'links')).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(orchHome, 'links')).map((name) => statSync(join(orchHome, 'links', name)).mode & 0o777)).toEqual(Array(6).fill(0o600));

    const unlinked = await run('unlink', all);
    expect(unlinked.code).toBe(0);
    expect(unlinked.stdout).toContain('cursor: not linked by orch, nothing to undo');
    expect(unlinked.stdout.match(/restored the file byte for byte/g)).toHaveLength(6);
    const after = snapshot();
    for (const [path, bytes] of before) expect(after.get(path), path).toEqual(bytes);
    expect(readdirSync(join(orchHome, 'links'))).toEqual([]);
  });

  it('--dry-run prints the diffs and writes nothing, not even in ORCH_HOME', async () => {
    const before = snapshot();
    const { code, stdout } = await run('link', ['claude-desktop', 'codex'], { dryRun: true });
    expect(code).toBe(0);
    expect(snapshot()).toEqual(before);
    expect(existsSync(orchHome)).toBe(false);
    expect(stdout).toContain(`--- ${home('.codex/config.toml')}\n+++ ${home('.codex/config.toml')}\n@@ -2,9 +2,11 @@\n`);
    expect(stdout).toContain('-    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"] }\n+    "memory": {\n');
    expect(stdout).toMatch(/^ {2}would link {2}context7 {2}would be added to orch's config; its env is there/m);
    expect(stdout).toMatch(/^orch config .*orch\.json: would add memory, context7\n--- /m);
    expect(stdout).toMatch(/dry run: nothing written\n/);

    await run('link', ['codex']);
    const linked = snapshot();
    const undo = await run('unlink', ['codex'], { dryRun: true });
    expect(undo.stdout).toContain('would restore the file byte for byte');
    expect(undo.stdout).toContain('-command = "/');
    expect(snapshot()).toEqual(linked);
  });

  it("adds to orch's config only what is missing, links identical servers, and leaves a clashing one alone", async () => {
    writeFileSync(config, '{\n  // mine\n  "mcpServers": {\n    "memory": { "command": "npx", "args": ["-y", "other"] },\n    "git": { "command": "uvx", "args": ["mcp-server-git"] }\n  }\n}\n');
    const desktop = readFileSync(home('.config/Claude/claude_desktop_config.json'));
    const { code, stdout } = await run('link', ['claude-desktop', 'gemini', 'codex']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/skipped {2}memory {2}clash: a different "memory" is in .*orch\.json; not linked \(rename one to link it\)/);
    expect(readFileSync(home('.config/Claude/claude_desktop_config.json'))).toEqual(desktop);
    expect(stdout).toMatch(/^ {2}linked {3}git {2}already in orch's config$/m);
    expect(stdout).toMatch(/^orch config .*orch\.json: added context7; the previous file is .*orch\.json\.orch-import-/m);
    const orch = readFileSync(config, 'utf8');
    expect(orch).toContain('// mine');
    expect((parseJsonc(orch) as { mcpServers: object }).mcpServers).toEqual({
      memory: { command: 'npx', args: ['-y', 'other'] },
      git: { command: 'uvx', args: ['mcp-server-git'] },
      context7: { command: 'npx', args: ['-y', '@upstash/context7-mcp'], env: { API_KEY: 'value' } },
    });
    expect(stdout).toContain('restart gemini, codex to use orch; undo with orch unlink gemini codex');
  });

  it('unlink after a user edit keeps the edit and puts back the original entries as they were written', async () => {
    const path = home('.gemini/settings.json');
    const original = readFileSync(path, 'utf8');
    await run('link', ['gemini']);
    const edited = readFileSync(path, 'utf8').replace('"theme": "Dracula"', '"theme": "Light",\n  "newKey": true');
    writeFileSync(path, edited);
    const { code, stdout } = await run('unlink', ['gemini']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}restored git\n {2}changes made to the file since orch link are kept\n {2}the file before: ~\/\.gemini\/settings\.json\.orch-unlink-/m);
    expect(readFileSync(path, 'utf8')).toBe(original.replace('"theme": "Dracula"', '"theme": "Light",\n  "newKey": true'));
    expect(readFileSync(join(path, '..', copies(path, 'orch-unlink')[0]!), 'utf8')).toBe(edited);
  });

  it('an entry the user changed or removed since is left alone', async () => {
    const path = home('.claude.json');
    await run('link', ['claude-code']);
    const claude = json(path);
    delete claude.mcpServers.fetch;
    claude.projects['/srv/app'].mcpServers.db.args = ['mine.js'];
    claude.numStartups = 13;
    writeFileSync(path, JSON.stringify(claude, null, 2));
    const { stdout } = await run('unlink', ['claude-code']);
    expect(stdout).toContain('left fetch: no longer in the file: not put back');
    expect(stdout).toContain('left db [project /srv/app]: changed since it was linked: left as is');
    expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(claude, null, 2));
  });

  it('Codex TOML: the table is rewritten as text, and comes back exactly, after user edits too', async () => {
    const path = home('.codex/config.toml');
    const original = readFileSync(path, 'utf8');
    await run('link', ['codex']);
    const linked = readFileSync(path, 'utf8');
    expect(linked.startsWith('model = "o4-mini"\n\n# Codex keeps its servers in TOML tables\n[mcp_servers.context7]\ncommand = ')).toBe(true);
    expect(linked.endsWith(`\n\n[mcp_servers.remote]\nurl = "https://example.com/mcp"\n`)).toBe(true);

    await run('unlink', ['codex']);
    expect(readFileSync(path, 'utf8')).toBe(original);

    await run('link', ['codex']);
    writeFileSync(path, `${readFileSync(path, 'utf8').replace('o4-mini', 'o3')}\n[mcp_servers.added]\ncommand = "x"\n`);
    const { stdout } = await run('unlink', ['codex']);
    expect(stdout).toContain('restored context7');
    expect(readFileSync(path, 'utf8')).toBe(`${original.replace('o4-mini', 'o3')}\n[mcp_servers.added]\ncommand = "x"\n`);
  });

  it('a Codex table that ends the file without a line end, with its env as a subtable', async () => {
    const path = home('.codex/config.toml');
    const original = '[mcp_servers.a]\ncommand = "a"\n\n[mcp_servers.a.env]\nK = "v"\n\n# trailing comment\n[mcp_servers.b]\ncommand = "b" # mine';
    writeFileSync(path, original);
    await run('link', ['codex']);
    const linked = readFileSync(path, 'utf8');
    expect(linked).toContain('\n\n# trailing comment\n[mcp_servers.b]\ncommand = ');
    expect(linked.endsWith(`[mcp_servers.b.env]\nORCH_HOME = "${orchHome}"`)).toBe(true);
    expect(parseToml(linked)).toEqual({ mcp_servers: { a: { command: process.execPath, args: connect('a'), env: { ORCH_HOME: orchHome } }, b: { command: process.execPath, args: connect('b'), env: { ORCH_HOME: orchHome } } } });
    // Another table after the last one: the restored entry needs a line end of its own.
    writeFileSync(path, `${linked}\n[other]\nx = 1\n`);
    await run('unlink', ['codex']);
    expect(readFileSync(path, 'utf8')).toBe(`${original}\n[other]\nx = 1\n`);
  });

  it('keeps tabs, CRLF line ends and a byte order mark, and the mode of the file', async () => {
    const path = home('.codeium/windsurf/mcp_config.json');
    const original = '\uFEFF{\r\n\t"mcpServers": {\r\n\t\t"local": { "command": "node", "args": ["s.js"], "disabled": true },\r\n\t\t"zapier": { "serverUrl": "https://z" },\r\n\t}\r\n}\r\n';
    writeFileSync(path, original);
    chmodSync(path, 0o640);
    await run('link', ['windsurf']);
    const linked = readFileSync(path, 'utf8');
    expect(linked.startsWith('\uFEFF{\r\n\t"mcpServers": {\r\n\t\t"local": {\r\n\t\t\t"command": ')).toBe(true);
    expect(linked.replaceAll('\r\n', '')).not.toContain('\n');
    expect(json(path).mcpServers.local).toEqual({ command: process.execPath, args: connect('local'), disabled: true, env: { ORCH_HOME: orchHome } });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    await run('unlink', ['windsurf']);
    expect(readFileSync(path, 'utf8')).toBe(original);
  });

  it('linking again is a no-op; linking a file edited since links what is new and unlink gives back the edited file', async () => {
    const path = home('.cursor/mcp.json');
    await run('link', ['cursor']);
    const again = await run('link', ['cursor']);
    expect(again.stdout).toMatch(/^ {2}already {2}memory {2}already linked: runs orch connect$/m);
    expect(again.stdout).toContain('nothing to link');
    expect(copies(path, 'orch-link')).toHaveLength(1);

    const edited = readFileSync(path, 'utf8').replace('"mcpServers": {', '"mcpServers": {\n    "extra": { "command": "extra" },');
    writeFileSync(path, edited);
    const relinked = await run('link', ['cursor']);
    expect(relinked.stdout).toMatch(/^ {2}linked {3}extra {3}added to orch's config$/m);
    await run('unlink', ['cursor']);
    const original = readFileSync(join(fixture.root, 'home/.cursor', copies(path, 'orch-link').sort()[0]!), 'utf8');
    expect(readFileSync(path, 'utf8')).toBe(original.replace('"mcpServers": {', '"mcpServers": {\n    "extra": { "command": "extra" },'));
  });

  it('unlinking what was never linked says so and exits 0', async () => {
    const { code, stdout } = await run('unlink', ['cursor', 'codex']);
    expect(code).toBe(0);
    expect(stdout).toBe('cursor: not linked by orch, nothing to undo\ncodex: not linked by orch, nothing to undo\n');
  });

  it("never links orch's own config, a missing client or an entry with an envFile; rejects unknown ids", async () => {
    writeFileSync(home('.gemini/settings.json'), '{ "mcpServers": { "e": { "command": "x", "envFile": ".env" } } }');
    rmSync(home('.codeium'), { recursive: true });
    const { code, stdout } = await run('link', ['claude-code', 'gemini', 'windsurf'], { config: join(fixture.project, '.mcp.json') });
    expect(code).toBe(1);
    expect(stdout).toContain(`claude-code (project) ${join(fixture.project, '.mcp.json')}\n  ! it is orch's own config: never linked`);
    expect(stdout).toContain('skipped  e  has an envFile, which orch import does not carry: left as is');
    expect(stdout).toContain('windsurf: no config file found (see orch clients)');
    await expect(run('link', ['emacs'])).rejects.toThrow('unknown client "emacs" (known: claude-desktop, claude-code');
  });

  it('writes through a symlinked config, and no ORCH_HOME in the entry when it is the default', async () => {
    vi.stubEnv('ORCH_HOME', '');
    const path = home('.config/Claude/claude_desktop_config.json');
    const real = join(fixture.root, 'dotfiles.json');
    renameSync(path, real);
    symlinkSync(real, path);
    await run('link', ['claude-desktop']);
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(json(real).mcpServers.memory).toEqual({ command: process.execPath, args: connect('memory') });
    expect(existsSync(join(fixture.home, '.orch', 'links'))).toBe(true);
  });

  it('knows an orch connect entry however orch is run', () => {
    expect(connectTarget({ command: 'orch', args: ['connect', 'a'] })).toBe('a');
    expect(connectTarget({ command: '/usr/bin/node', args: ['/x/bin/orch.js', 'connect', 'b'] })).toBe('b');
    expect(connectTarget({ command: 'npx', args: ['-y', 'server', 'connect', 'c'] })).toBeUndefined();
    expect(connectTarget({ command: 'orch', args: ['start'] })).toBeUndefined();
  });
});

describe('a record orch cannot read', () => {
  it('is reported, and the other clients are still unlinked', async () => {
    await run('link', ['gemini']);
    mkdirSync(join(orchHome, 'links'), { recursive: true });
    writeFileSync(join(orchHome, 'links', 'broken.json'), '{ "version": 2 }');
    const { code, stdout } = await run('unlink', ['gemini']);
    expect(code).toBe(1);
    expect(stdout).toContain('restored the file byte for byte');
    expect(stdout).toMatch(/! the link record .*broken\.json is not one orch wrote/);
  });
});
