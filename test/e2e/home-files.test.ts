/**
 * `$ORCH_HOME` is private (every file 0600, every folder 0700, also when an older orch left it open),
 * and a home orch cannot write is one line from `orch start`, never a stack.
 *
 * Tests run as root, whom a chmod 0500 does not stop: a read-only bind mount makes a folder truly
 * unwritable where `mount` is allowed (those tests are skipped elsewhere); the rest simulate what
 * works everywhere: a log path that is a folder (EISDIR), a home below a regular file (ENOTDIR).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSandbox, runOrch, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE } from '../support/orchestrator.js';

let sandbox: Sandbox | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  if (sandbox) await runOrch(['shutdown'], sandbox.env);
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  sandbox?.remove();
  sandbox = undefined;
});

function setup() {
  sandbox = createSandbox();
  const config = sandbox.writeConfig({
    mcpServers: { alpha: { command: process.execPath, args: [FIXTURE, '--stderr-every=20'] } },
    orchestrator: { defaults: { stop: { graceMs: 200, killTimeoutMs: 1000 } } },
  });
  return { sandbox, config, home: sandbox.home, orch: (...args: string[]) => runOrch(args, sandbox!.env) };
}

/** Every file and folder under `dir` whose mode is not 0600 (files) or 0700 (folders), with its mode. */
function notPrivate(dir: string): string[] {
  const found: string[] = [];
  const mode = statSync(dir).mode & 0o777;
  if (mode !== 0o700) found.push(`${dir} ${mode.toString(8)}`);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...notPrivate(path));
    else if ((statSync(path).mode & 0o777) !== 0o600) found.push(`${path} ${(statSync(path).mode & 0o777).toString(8)}`);
  }
  return found;
}

/** Makes `dir` read-only for everyone, root included, or returns undefined where mounts are not allowed. */
function readOnly(dir: string): (() => void) | undefined {
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const unmount = () => execFileSync('umount', [dir], { stdio: 'ignore' });
  try {
    execFileSync('mount', ['-o', 'remount,bind,ro', dir], { stdio: 'ignore' });
  } catch {
    unmount();
    return undefined;
  }
  return unmount;
}

describe('ORCH_HOME files', () => {
  it('every file is 0600 and every folder 0700 after a daemon run, an old 0755/0644 home included', async () => {
    const { config, home, orch } = setup();
    // What an older orch left: open folders and a world-readable log.
    mkdirSync(join(home, 'logs'), { recursive: true });
    chmodSync(home, 0o755);
    chmodSync(join(home, 'logs'), 0o755);
    writeFileSync(join(home, 'orchestrator.log'), 'an older orch was here\n', { mode: 0o644 });

    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect((await orch('restart', 'alpha')).code).toBe(0);
    await eventually(() => readdirSync(join(home, 'logs')).length > 0, 5_000, 'a server log');
    expect(notPrivate(home)).toEqual([]);

    expect((await orch('shutdown')).code).toBe(0);
    expect(notPrivate(home)).toEqual([]);
  });

  it('an orchestrator.log orch cannot open: one warning line, and the daemon supervises all the same', async () => {
    const { config, home, orch } = setup();
    mkdirSync(join(home, 'orchestrator.log'), { recursive: true });
    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toBe(`orch: warning: cannot write ${join(home, 'orchestrator.log')}: illegal operation on a directory (EISDIR); the daemon runs without it\n`);
    expect(started.stdout).toMatch(/alpha\s+● running/);
  });

  it('a home that cannot be created: one line naming it and why, exit 1', async () => {
    const { sandbox, config } = setup();
    const file = join(sandbox.home, '..', 'a-file');
    writeFileSync(file, '');
    const home = join(file, 'home');
    const started = await runOrch(['start', '--config', config], { ...sandbox.env, ORCH_HOME: home });
    expect(started.code).toBe(1);
    expect(started.stderr).toBe(`orch: cannot keep orch's state in ${home}: not a directory (ENOTDIR); set ORCH_HOME to a writable folder\n`);
  });

  it('a read-only home: one line naming it and why, exit 1', async (context) => {
    const { config, home, orch } = setup();
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const unmount = readOnly(home);
    if (!unmount) return context.skip('mount is not allowed here');
    cleanups.push(unmount);
    const started = await orch('start', '--config', config);
    expect(started.code).toBe(1);
    expect(started.stderr).toBe(`orch: cannot keep orch's state in ${home}: read-only file system (EROFS); set ORCH_HOME to a writable folder\n`);
  });

  it('a read-only logs/: one warning line, and the server runs', async (context) => {
    const { config, home, orch } = setup();
    mkdirSync(join(home, 'logs'), { recursive: true, mode: 0o700 });
    const unmount = readOnly(join(home, 'logs'));
    if (!unmount) return context.skip('mount is not allowed here');
    cleanups.push(unmount);
    const started = await orch('start', '--config', config);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stderr).toMatch(/^orch: warning: cannot write server logs in .*\/logs: read-only file system \(EROFS\); [^\n]*\n$/);
    expect(started.stdout).toMatch(/alpha\s+● running/);
  });
});
