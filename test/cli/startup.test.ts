/**
 * `orch startup` and `orch unstartup` against a fake service manager (an injected runner in a
 * temporary HOME and XDG_CONFIG_HOME), then the real CLI from source: the dry run, a machine without
 * systemd (a fake `systemctl` that fails comes first on PATH, so no test can touch a real user manager).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startupCommand, unstartupCommand, type StartupDeps, type StartupFlags } from '../../src/cli/commands/startup.js';
import type { CommandResult } from '../../src/cli/startup/services.js';
import { startupSpec } from '../../src/cli/startup/spec.js';
import { renderLaunchdPlist, renderSystemdUnit } from '../../src/cli/startup/units.js';
import { acquireLock, type DaemonLock } from '../../src/daemon/lock.js';
import { resolveHome } from '../../src/home.js';
import { createSandbox, runOrch } from '../support/cli.js';

let dir: string;
let calls: string[];
let answers: Map<string, Partial<CommandResult>>;
let out: string;
let warnings: string[];
let config: string;
let lock: DaemonLock | undefined;

const SHOW_PID = 'systemctl --user show --property=MainPID --value orch.service';

function deps(overrides: Partial<StartupDeps> = {}): StartupDeps {
  return {
    platform: 'linux',
    homeDir: join(dir, 'ann'),
    env: { HOME: join(dir, 'ann'), XDG_CONFIG_HOME: join(dir, 'xdg'), ORCH_HOME: join(dir, 'orch'), PATH: '/usr/bin:/bin' },
    uid: 501,
    run: async (command, args) => {
      const line = [command, ...args].join(' ');
      calls.push(line);
      return { code: 0, stdout: '', stderr: '', ...answers.get(line) };
    },
    systemdBooted: () => true,
    runtime: { execPath: '/usr/bin/node', entry: '/opt/orch/bin/orch.js', execArgv: [], cwd: dir },
    out: (text) => void (out += text),
    warn: (line) => void warnings.push(line),
    ...overrides,
  };
}

/** Never the defaults: they act on this machine's real service manager. */
const startup = (flags: StartupFlags, overrides: Partial<StartupDeps> = {}) => startupCommand(flags, deps(overrides));
const unstartup = (overrides: Partial<StartupDeps> = {}) => unstartupCommand(deps(overrides));
const unitFile = () => join(dir, 'xdg', 'systemd', 'user', 'orch.service');
const expectedUnit = (path = config) => renderSystemdUnit(startupSpec(resolveHome(deps().env), path, join(dir, 'ann'), deps().env, deps().runtime));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orch-startup-'));
  calls = [];
  answers = new Map();
  out = '';
  warnings = [];
  config = join(dir, 'mcp.json');
  writeFileSync(config, JSON.stringify({ mcpServers: { memory: { command: 'node', args: ['memory.js'] } } }));
});

afterEach(() => {
  lock?.release();
  lock = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('orch startup (systemd)', () => {
  it('writes the unit under XDG_CONFIG_HOME, reloads systemd, enables and starts it, and tells about lingering', async () => {
    await startup({ config });
    expect(readFileSync(unitFile(), 'utf8')).toBe(expectedUnit());
    expect(calls).toEqual([
      'systemctl --user show-environment',
      SHOW_PID,
      'systemctl --user daemon-reload',
      'systemctl --user enable --now orch.service',
    ]);
    expect(out).toContain(`wrote ${unitFile()}`);
    expect(out).toContain('loginctl enable-linger $USER');
  });

  it('uses ~/.config without XDG_CONFIG_HOME, and the remembered config without --config', async () => {
    const remembered = join(dir, 'orch', 'config.json');
    mkdirSync(dirname(remembered), { recursive: true });
    writeFileSync(remembered, JSON.stringify({ path: config }));
    const { XDG_CONFIG_HOME: _, ...env } = deps().env;
    await startup({}, { env });
    expect(readFileSync(join(dir, 'ann', '.config', 'systemd', 'user', 'orch.service'), 'utf8')).toContain(`--config ${config}\n`);
  });

  it('leaves a running unit alone when nothing changed, and restarts it when the config did', async () => {
    await startup({ config });
    answers.set(SHOW_PID, { stdout: '4242\n' });
    calls = [];
    await startup({ config });
    expect(out).toContain('nothing to change');
    expect(calls).toEqual(['systemctl --user show-environment', SHOW_PID]);

    const other = join(dir, 'other.json');
    writeFileSync(other, readFileSync(config));
    calls = [];
    await startup({ config: other });
    expect(calls.slice(2)).toEqual(['systemctl --user daemon-reload', 'systemctl --user enable orch.service', 'systemctl --user restart orch.service']);
    expect(readFileSync(unitFile(), 'utf8')).toBe(expectedUnit(other));
  });

  it('refuses while a daemon of this ORCH_HOME runs outside systemd, and writes nothing', async () => {
    const home = resolveHome(deps().env);
    mkdirSync(home.root, { recursive: true });
    lock = acquireLock(home.lockFile, () => 'held');
    await expect(startup({ config })).rejects.toThrow(
      new RegExp(`^an orch daemon \\(pid ${process.pid}\\) already runs for ${home.root}, outside the systemd unit; stop it with \`orch shutdown\``),
    );
    expect(existsSync(unitFile())).toBe(false);

    // The same daemon, run by the unit itself: updating the unit is fine.
    answers.set(SHOW_PID, { stdout: `${process.pid}\n` });
    await startup({ config });
    expect(existsSync(unitFile())).toBe(true);
  });

  it('without systemd prints the unit, writes nothing, runs nothing, and says why in one line', async () => {
    await expect(startup({ config }, { systemdBooted: () => false })).rejects.toThrow(
      /^systemd is not running on this machine \(no \/run\/systemd\/system: a container\?\); nothing installed: above is the systemd unit/,
    );
    expect(out).toBe(expectedUnit());
    expect(calls).toEqual([]);
    expect(existsSync(join(dir, 'xdg'))).toBe(false);
  });

  it('without a user manager (systemctl --user fails) says what systemctl said', async () => {
    answers.set('systemctl --user show-environment', { code: 1, stderr: 'Failed to connect to bus: No medium found\n' });
    await expect(startup({ config })).rejects.toThrow(/^systemctl --user does not answer \(Failed to connect to bus: No medium found\); nothing installed/);
    expect(existsSync(unitFile())).toBe(false);
  });

  it('a failing systemctl is one line naming the command', async () => {
    answers.set('systemctl --user enable --now orch.service', { code: 1, stderr: 'Failed to enable unit: Access denied\nmore\n' });
    await expect(startup({ config })).rejects.toThrow(/^`systemctl --user enable --now orch.service` failed \(exit code 1\): Failed to enable unit: Access denied$/);
  });

  it('refuses a config the daemon could not load, and warns of variables only this shell sets', async () => {
    await expect(startup({ config: join(dir, 'missing.json') })).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    expect(calls).toEqual([]);

    writeFileSync(config, JSON.stringify({ mcpServers: { memory: { command: 'node', env: { TOKEN: '${TOKEN}' } } } }));
    await startup({ config }, { env: { ...deps().env, TOKEN: 'secret' } });
    expect(warnings).toEqual([expect.stringMatching(/^at boot the daemon has the service's environment, not this shell's: .*\$\{TOKEN\} is not set.*systemctl --user edit orch.service/)]);
    expect(readFileSync(unitFile(), 'utf8')).not.toContain('secret');
  });

  it('says which platforms it knows elsewhere', async () => {
    await expect(startup({ config }, { platform: 'win32' })).rejects.toThrow(/^orch starts at boot through systemd \(Linux\) or launchd \(macOS\), not on win32$/);
  });
});

describe('orch unstartup (systemd)', () => {
  it('with nothing installed says so and runs nothing', async () => {
    await unstartup();
    expect(out).toBe(`the systemd unit is not installed (no ${unitFile()}); nothing to remove\n`);
    expect(calls).toEqual([]);
  });

  it('disables and stops the unit, removes it, then reloads systemd', async () => {
    await startup({ config });
    answers.set(SHOW_PID, { stdout: '4242\n' });
    calls = [];
    out = '';
    await unstartup();
    expect(calls).toEqual(['systemctl --user show-environment', SHOW_PID, 'systemctl --user disable --now orch.service', 'systemctl --user daemon-reload']);
    expect(existsSync(unitFile())).toBe(false);
    expect(out).toContain(`removed ${unitFile()}; its daemon (pid 4242) and servers are stopped`);
  });
});

describe('orch startup (launchd)', () => {
  const plist = () => join(dir, 'ann', 'Library', 'LaunchAgents', 'dev.orch.daemon.plist');
  const PRINT = 'launchctl print gui/501/dev.orch.daemon';

  it('writes the agent and bootstraps it; a loaded one is booted out first; unstartup boots it out', async () => {
    answers.set(PRINT, { code: 113, stderr: 'Could not find service' });
    await startup({ config }, { platform: 'darwin' });
    const spec = startupSpec(resolveHome(deps().env), config, join(dir, 'ann'), deps().env, deps().runtime);
    expect(readFileSync(plist(), 'utf8')).toBe(renderLaunchdPlist(spec));
    expect(calls).toEqual([PRINT, `launchctl bootstrap gui/501 ${plist()}`]);

    answers.set(PRINT, { stdout: 'gui/501/dev.orch.daemon = {\n\tpid = 777\n}\n' });
    writeFileSync(plist(), 'an older agent');
    calls = [];
    await startup({ config }, { platform: 'darwin' });
    expect(calls).toEqual([PRINT, 'launchctl bootout gui/501/dev.orch.daemon', `launchctl bootstrap gui/501 ${plist()}`]);

    calls = [];
    await unstartup({ platform: 'darwin' });
    expect(calls).toEqual([PRINT, 'launchctl bootout gui/501/dev.orch.daemon']);
    expect(existsSync(plist())).toBe(false);
  });
});

describe('the CLI from source', () => {
  /** A sandbox whose HOME and XDG_CONFIG_HOME are its own, and whose `systemctl` always fails as in a container. */
  function cliSandbox() {
    const sandbox = createSandbox();
    const root = dirname(sandbox.home);
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\necho "$@" >> "${join(root, 'systemctl.log')}"\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);
    const env = { ...sandbox.env, HOME: join(root, 'ann'), XDG_CONFIG_HOME: join(root, 'xdg'), PATH: `${bin}:${process.env.PATH}` };
    return { sandbox, root, env, config: sandbox.writeConfig({ mcpServers: { memory: { command: 'node' } } }, 'my config.json') };
  }

  it('--dry-run prints the path, the unit and the commands, and writes nothing', async () => {
    const { sandbox, root, env, config } = cliSandbox();
    try {
      const result = await runOrch(['startup', '--dry-run', '--config', config], env);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`would write ${join(root, 'xdg', 'systemd', 'user', 'orch.service')}:\n\n# Written by`);
      expect(result.stdout).toContain(`daemon --config "${config}"\n`);
      expect(result.stdout).toMatch(/would run:\n {2}systemctl --user daemon-reload\n {2}systemctl --user enable --now orch.service\n$/);
      expect(readdirSync(root).sort()).toEqual(['bin', 'my config.json']);
    } finally {
      sandbox.remove();
    }
  });

  it('without systemd: the unit on stdout, one line on stderr, exit 1, nothing written', async () => {
    const { sandbox, root, env, config } = cliSandbox();
    try {
      const result = await runOrch(['startup', '--config', config], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^# Written by `orch startup`[\s\S]*\nKillMode=control-group\n/);
      expect(result.stderr).toMatch(/^orch: (systemd is not running on this machine|systemctl --user does not answer \(Failed to connect)[^\n]*nothing installed[^\n]*\n$/);
      expect(readdirSync(root).sort()).not.toContain('xdg');
      expect(existsSync(join(root, 'systemctl.log')) ? readFileSync(join(root, 'systemctl.log'), 'utf8') : '').not.toContain('enable');
    } finally {
      sandbox.remove();
    }
  });

  it('unstartup with nothing installed exits 0', async () => {
    const { sandbox, env } = cliSandbox();
    try {
      const result = await runOrch(['unstartup'], env);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^the systemd unit is not installed \(no .*orch\.service\); nothing to remove\n$/);
    } finally {
      sandbox.remove();
    }
  });
});
