/** `orch link` and `orch unlink` through the compiled bin (`npm run build` first), as a user runs them. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseJsonc } from '../../src/config/json.js';
import { VERSION } from '../../src/version.js';
import { makeFixtureHome, type FixtureHome } from '../clients/fixture-home.js';

const BIN = fileURLToPath(new URL('../../bin/orch.js', import.meta.url));
const run = promisify(execFile);

let fixture: FixtureHome;
beforeEach(() => (fixture = makeFixtureHome()));
afterEach(() => rmSync(fixture.root, { recursive: true, force: true }));

function orch(args: string[]) {
  const env = { ...process.env, HOME: fixture.home, ORCH_HOME: join(fixture.root, 'orch'), NO_COLOR: '1' };
  return run(process.execPath, [BIN, ...args], { cwd: fixture.project, env });
}

it('links a client to orch connect with a command that runs without PATH, and unlinks it byte for byte', async () => {
  const desktop = join(fixture.home, '.config/Claude/claude_desktop_config.json');
  const original = readFileSync(desktop);
  const config = join(fixture.root, 'orch.json');

  const linked = await orch(['link', 'claude-desktop', '--config', config]);
  expect(linked.stderr).toBe('');
  const lines = linked.stdout.split('\n');
  expect(lines.slice(0, 2)).toEqual(['claude-desktop (user) ~/.config/Claude/claude_desktop_config.json', "  linked   memory  added to orch's config"]);
  expect(lines[2]).toMatch(/^ {2}the file before: ~\/\.config\/Claude\/claude_desktop_config\.json\.orch-link-\d{8}-\d{6}$/);
  expect(lines[3]).toBe(`orch config ${config}: added memory`);
  expect(lines[4]).toBe('restart claude-desktop to use orch; undo with orch unlink claude-desktop');

  const entry = (parseJsonc(readFileSync(desktop, 'utf8')) as { mcpServers: { memory: { command: string; args: string[]; env: object } } }).mcpServers.memory;
  expect(entry).toEqual({ command: process.execPath, args: [BIN, 'connect', 'memory'], env: { ORCH_HOME: join(fixture.root, 'orch') } });
  // A client spawns the entry with little or no environment: absolute paths need no PATH.
  const version = await run(entry.command, [entry.args[0]!, '--version'], { env: {}, cwd: '/' });
  expect(version.stdout).toContain(`orch/${VERSION}`);

  const unlinked = await orch(['unlink', 'claude-desktop', '--json']);
  expect(JSON.parse(unlinked.stdout)).toEqual({
    dryRun: false,
    files: [{ client: 'claude-desktop', path: desktop, whole: true, restored: [{ name: 'memory' }], left: [] }],
    notLinked: [],
    problems: [],
  });
  expect(readFileSync(desktop)).toEqual(original);
  expect((await orch(['unlink', 'claude-desktop'])).stdout).toBe('claude-desktop: not linked by orch, nothing to undo\n');
});
