/**
 * The systemd unit and launchd plist `orch startup` writes, read line by line; the unit also through
 * `systemd-analyze verify` and the plist through Python's plistlib where this machine has them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveHome } from '../../src/home.js';
import { DAEMON_NODE_FLAGS } from '../../src/cli/launch.js';
import { loaderFlags, startupSpec } from '../../src/cli/startup/spec.js';
import { renderLaunchdPlist, renderSystemdUnit, systemdWord, type StartupSpec } from '../../src/cli/startup/units.js';

const dir = mkdtempSync(join(tmpdir(), 'orch-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Node binary and an entry point at paths with a space and a `%h`, which systemd would expand unless escaped. */
const nodeDir = join(dir, 'node %h dir');
mkdirSync(nodeDir);
symlinkSync(process.execPath, join(nodeDir, 'node'));
const spec: StartupSpec = {
  command: [join(nodeDir, 'node'), '--max-semi-space-size=4', '/opt/my apps/orch/bin/orch.js', 'daemon', '--config', '/home/ann/My Configs/mcp "work".json'],
  environment: { ORCH_HOME: '/home/ann/.orch state', PATH: '/usr/bin:/bin' },
  // A home with a space and a letter beyond ASCII, which WorkingDirectory= takes unquoted.
  workingDirectory: '/home/Ann Jürgen',
  logFile: '/home/ann/.orch state/orchestrator.log',
};

describe('renderSystemdUnit', () => {
  const unit = renderSystemdUnit(spec);
  const lines = unit.split('\n');

  it('runs the daemon in the foreground with every path quoted and % escaped', () => {
    const escapedNode = `"${join(nodeDir.replace('%h', '%%h'), 'node')}"`;
    expect(lines).toContain('Type=simple');
    expect(lines).toContain(
      `ExecStart=${escapedNode} --max-semi-space-size=4 "/opt/my apps/orch/bin/orch.js" daemon --config "/home/ann/My Configs/mcp \\"work\\".json"`,
    );
  });

  it('carries the environment, restarts on failure, stops every server with the unit', () => {
    expect(lines).toContain('Environment="ORCH_HOME=/home/ann/.orch state" PATH=/usr/bin:/bin');
    expect(lines).toContain('WorkingDirectory=/home/Ann Jürgen');
    expect(lines).toContain('Restart=on-failure');
    expect(lines).toContain('RestartPreventExitStatus=75');
    expect(lines).toContain('KillMode=control-group');
    expect(lines.slice(lines.indexOf('[Install]'))).toContain('WantedBy=default.target');
  });

  const analyze = spawnSync('systemd-analyze', ['--version']).status === 0;
  it.skipIf(!analyze)('passes systemd-analyze verify (skipped where the systemd package is not installed)', () => {
    const runtime = join(dir, 'runtime');
    mkdirSync(runtime, { recursive: true, mode: 0o700 });
    const file = join(dir, 'orch.service');
    writeFileSync(file, unit);
    // --user needs a runtime folder, which a container has none of; verify loads the unit without a manager.
    const result = spawnSync('systemd-analyze', ['--user', 'verify', file], {
      encoding: 'utf8',
      env: { ...process.env, XDG_RUNTIME_DIR: runtime, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') },
    });
    expect(result.stderr).not.toMatch(/orch\.service/);
    expect(result.status).toBe(0);
  });
});

describe('systemdWord', () => {
  it.each([
    ['/usr/bin/node', true, '/usr/bin/node'],
    ['', true, '""'],
    ['a b', true, '"a b"'],
    ['50%', true, '50%%'],
    ['$HOME', true, '"$$HOME"'],
    ['$HOME', false, '"$HOME"'],
    ['back\\slash', true, '"back\\\\slash"'],
    ['new\nline', true, '"new\\nline"'],
    [';', true, '";"'],
  ])('%j (ExecStart: %s) → %s', (word, command, expected) => {
    expect(systemdWord(word, command)).toBe(expected);
  });
});

describe('renderLaunchdPlist', () => {
  const plist = renderLaunchdPlist({ ...spec, command: [...spec.command, 'a&b<c>'] });
  const key = (name: string) => new RegExp(`<key>${name}</key>\\s*(<(\\w+)\\s*/>|<(\\w+)>[\\s\\S]*?</\\3>)`).exec(plist)?.[1];

  it('has the label, the command, the environment, RunAtLoad and KeepAlive on failure', () => {
    expect(plist).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE plist /);
    expect(key('Label')).toBe('<string>dev.orch.daemon</string>');
    expect(key('ProgramArguments')).toContain('<string>/home/ann/My Configs/mcp "work".json</string>');
    expect(key('ProgramArguments')).toContain('<string>a&amp;b&lt;c&gt;</string>');
    expect(key('EnvironmentVariables')).toMatch(/<key>ORCH_HOME<\/key>\s*<string>\/home\/ann\/\.orch state<\/string>/);
    expect(key('RunAtLoad')).toBe('<true/>');
    expect(key('KeepAlive')).toMatch(/<key>SuccessfulExit<\/key>\s*<false\/>/);
    expect(key('StandardErrorPath')).toBe('<string>/home/ann/.orch state/orchestrator.log</string>');
  });

  const python = spawnSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!python)('parses as a property list (Python plistlib; skipped without python3)', () => {
    const json = execFileSync('python3', ['-c', 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], {
      input: plist,
      encoding: 'utf8',
    });
    expect(JSON.parse(json)).toEqual({
      Label: 'dev.orch.daemon',
      ProgramArguments: [...spec.command, 'a&b<c>'],
      EnvironmentVariables: spec.environment,
      WorkingDirectory: '/home/Ann Jürgen',
      RunAtLoad: true,
      KeepAlive: { SuccessfulExit: false },
      StandardOutPath: spec.logFile,
      StandardErrorPath: spec.logFile,
    });
  });
});

describe('startupSpec', () => {
  it('runs the daemon verb with the V8 flag, the loader made absolute and the config resolved', () => {
    const home = resolveHome({ ORCH_HOME: '/srv/orch' });
    const runtime = { execPath: '/usr/bin/node', entry: '/work/orch/src/cli/bin.ts', execArgv: ['--inspect', '--import', 'tsx'], cwd: '/work/orch' };
    const built = startupSpec(home, 'mcp.json', '/home/ann', { PATH: '/usr/bin' }, runtime);
    expect(built.command).toEqual([
      '/usr/bin/node',
      ...DAEMON_NODE_FLAGS,
      '--import',
      expect.stringMatching(/^file:\/\/\/.*\/node_modules\/tsx\//),
      '/work/orch/src/cli/bin.ts',
      'daemon',
      '--config',
      '/work/orch/mcp.json',
    ]);
    expect(built.environment).toEqual({ ORCH_HOME: '/srv/orch', PATH: '/usr/bin', MALLOC_ARENA_MAX: '1', ORCH_DAEMON_ENV: 'MALLOC_ARENA_MAX' });
    expect(built.logFile).toBe('/srv/orch/orchestrator.log');
  });

  it('keeps only loaders, in both spellings, relative ones resolved from the working directory', () => {
    expect(loaderFlags(['--loader=./hooks.mjs', '--enable-source-maps', '--experimental-loader', 'file:///x.mjs'], '/w')).toEqual([
      '--loader',
      'file:///w/hooks.mjs',
      '--experimental-loader',
      'file:///x.mjs',
    ]);
    expect(loaderFlags([], '/w')).toEqual([]);
  });
});
