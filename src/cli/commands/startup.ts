/**
 * `orch startup`: the daemon of this ORCH_HOME starts with the user's session, supervised by systemd
 * (a user unit) or launchd (an agent), with the config in use. `orch unstartup` stops and removes it.
 *
 * Where the service manager cannot run it (a container without systemd), nothing is written: the unit
 * goes to stdout for the user to place, and the command fails with one line saying why.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../../config/load.js';
import { lockOwner } from '../../daemon/lock.js';
import { errorMessage, fsReason, OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { configPath } from '../options.js';
import { bootService, execRunner, firstLine, type Runner, type ServiceContext } from '../startup/services.js';
import { currentRuntime, startupSpec, type Runtime } from '../startup/spec.js';

export interface StartupFlags {
  dryRun?: boolean;
  config?: string;
}

export interface StartupDeps extends ServiceContext {
  runtime: Runtime;
  out(text: string): void;
  warn(line: string): void;
}

export function processDeps(): StartupDeps {
  return {
    platform: process.platform,
    homeDir: homedir(),
    env: process.env,
    uid: process.getuid?.() ?? 0,
    run: execRunner,
    systemdBooted: () => existsSync('/run/systemd/system'),
    runtime: currentRuntime(),
    out: (text) => void process.stdout.write(text),
    warn: (line) => void process.stderr.write(`orch: warning: ${line}\n`),
  };
}

/**
 * What a service manager gives a daemon besides the unit's own Environment= (roughly: systemd's user
 * manager and launchd agree on these). A shell's other variables are gone at boot.
 */
const SESSION_VARIABLES = ['HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'TMPDIR', 'XDG_RUNTIME_DIR'];

export async function startupCommand(flags: StartupFlags, deps: StartupDeps = processDeps()): Promise<void> {
  const service = bootService(deps);
  const home = resolveHome(deps.env);
  const config = resolve(deps.runtime.cwd, configPath(flags, home));
  const spec = startupSpec(home, config, deps.homeDir, deps.env, deps.runtime);
  const content = service.render(spec);
  // A config the daemon cannot load would fail at every boot: refuse it now, and warn of ${VAR}s only this shell sets.
  await loadConfig(config, deps.env);
  const bootEnv = { ...Object.fromEntries(SESSION_VARIABLES.map((name) => [name, deps.env[name]])), ...spec.environment };
  await loadConfig(config, bootEnv).catch((error: unknown) => {
    deps.warn(`at boot the daemon has the service's environment, not this shell's: ${errorMessage(error)}; ${service.environmentHint}`);
  });

  if (flags.dryRun) {
    const commands = service.installCommands({ loaded: false, pid: undefined }).map((command) => `  ${shellLine(command)}\n`);
    deps.out(`would write ${service.file}:\n\n${content}\nwould run:\n${commands.join('')}`);
    return;
  }
  const reason = await service.unavailable();
  if (reason) {
    deps.out(content);
    throw new OrchError('STARTUP_FAILED', `${reason}; nothing installed: above is ${service.kind} orch would write to ${service.file}`);
  }
  const state = await service.state();
  const owner = lockOwner(home.lockFile);
  if (owner !== undefined && owner !== state.pid) {
    throw new OrchError(
      'DAEMON_RUNNING',
      `an orch daemon (pid ${owner}) already runs for ${home.root}, outside ${service.kind}; stop it with \`orch shutdown\`, then run \`orch startup\` again`,
    );
  }
  if (state.pid !== undefined && readText(service.file) === content) {
    deps.out(`${service.kind} ${service.file} is installed and its daemon runs (pid ${state.pid}); nothing to change\n`);
    return;
  }
  writeServiceFile(service.file, content);
  deps.out(`wrote ${service.file}\n`);
  await runAll(deps.run, service.installCommands(state), deps.out);
  deps.out(`orch starts with your session now, running ${config}\n${service.hints.join('\n')}\n`);
}

export async function unstartupCommand(deps: StartupDeps = processDeps()): Promise<void> {
  const service = bootService(deps);
  if (!existsSync(service.file)) {
    deps.out(`${service.kind} is not installed (no ${service.file}); nothing to remove\n`);
    return;
  }
  const reason = await service.unavailable();
  const state = reason ? undefined : await service.state();
  if (state) await runAll(deps.run, service.uninstallCommands(state), deps.out);
  try {
    rmSync(service.file, { force: true });
  } catch (error) {
    throw new OrchError('STARTUP_FAILED', `cannot remove ${service.file}: ${fsReason(error)}`);
  }
  if (state) await runAll(deps.run, service.afterRemoval, deps.out);
  const stopped = state?.pid === undefined ? '' : `; its daemon (pid ${state.pid}) and servers are stopped`;
  deps.out(`removed ${service.file}${reason ? ` (${reason}: nothing to stop)` : stopped}\n`);
}

/** One after another; the first that fails is the one line the user sees. */
async function runAll(run: Runner, commands: string[][], out: (text: string) => void): Promise<void> {
  for (const [command, ...args] of commands) {
    const line = shellLine([command!, ...args]);
    out(`$ ${line}\n`);
    const answer = await run(command!, args);
    if (answer.code !== 0) throw new OrchError('STARTUP_FAILED', `\`${line}\` failed (exit code ${answer.code}): ${firstLine(answer.stderr)}`);
  }
}

function writeServiceFile(path: string, content: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o644 });
  } catch (error) {
    throw new OrchError('STARTUP_FAILED', `cannot write ${path}: ${fsReason(error)}`);
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A command as a user would type it, for the lines orch prints. */
function shellLine(words: string[]): string {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
