/**
 * The service managers `orch startup` installs into: a systemd user unit on Linux, a launchd agent on
 * macOS. Each says where its file goes, which commands load and unload it, and whether it can run
 * here; the commands go through an injected {@link Runner}, so tests never touch the real ones.
 */
import { execFile } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { OrchError } from '../../errors.js';
import { LAUNCHD_LABEL, renderLaunchdPlist, renderSystemdUnit, SYSTEMD_UNIT_NAME, type StartupSpec } from './units.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (command: string, args: string[]) => Promise<CommandResult>;

/** Runs a command to completion; a missing binary is exit code 127, as in a shell. */
export const execRunner: Runner = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const code = typeof error.code === 'number' ? error.code : error.code === 'ENOENT' ? 127 : 1;
      resolve({ code, stdout, stderr: stderr || error.message });
    });
  });

export interface ServiceState {
  /** The manager knows the service (launchd must unload it before loading it again). */
  loaded: boolean;
  /** The daemon the service runs now. */
  pid: number | undefined;
}

export interface BootService {
  /** "the systemd unit": how messages name it. */
  kind: string;
  file: string;
  render(spec: StartupSpec): string;
  /** Why this machine cannot run it (no systemd, no user manager), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  state(): Promise<ServiceState>;
  /** After the file is written: load and start it, replacing the daemon it runs when `state` has one. */
  installCommands(state: ServiceState): string[][];
  /** Before the file is removed: stop and unload it. */
  uninstallCommands(state: ServiceState): string[][];
  /** After the file is removed, so the manager forgets it. */
  afterRemoval: string[][];
  /** How to give the daemon a variable the config expands. */
  environmentHint: string;
  /** Printed after a successful install. */
  hints: string[];
}

export interface ServiceContext {
  platform: NodeJS.Platform;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  uid: number;
  run: Runner;
  /** sd_booted(3): systemd is the init system. */
  systemdBooted(): boolean;
}

export function bootService(context: ServiceContext): BootService {
  if (context.platform === 'linux') return systemdService(context);
  if (context.platform === 'darwin') return launchdService(context);
  throw new OrchError('STARTUP_FAILED', `orch starts at boot through systemd (Linux) or launchd (macOS), not on ${context.platform}`);
}

/** `$XDG_CONFIG_HOME/systemd/user/orch.service`; the variable counts only when absolute (XDG Base Directory spec). */
function systemdUnitPath(homeDir: string, env: NodeJS.ProcessEnv): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(homeDir, '.config');
  return join(config, 'systemd', 'user', SYSTEMD_UNIT_NAME);
}

function launchdPlistPath(homeDir: string): string {
  return join(homeDir, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
}

function systemdService({ homeDir, env, run, systemdBooted }: ServiceContext): BootService {
  const systemctl = (...args: string[]) => ['systemctl', '--user', ...args];
  return {
    kind: 'the systemd unit',
    file: systemdUnitPath(homeDir, env),
    render: renderSystemdUnit,
    async unavailable() {
      if (!systemdBooted()) return 'systemd is not running on this machine (no /run/systemd/system: a container?)';
      const answer = await run('systemctl', ['--user', 'show-environment']);
      return answer.code === 0 ? undefined : `systemctl --user does not answer (${firstLine(answer.stderr)})`;
    },
    async state() {
      const answer = await run('systemctl', ['--user', 'show', '--property=MainPID', '--value', SYSTEMD_UNIT_NAME]);
      const pid = Number(answer.stdout.trim());
      return { loaded: answer.code === 0, pid: answer.code === 0 && pid > 0 ? pid : undefined };
    },
    installCommands: ({ pid }) => [
      systemctl('daemon-reload'),
      ...(pid === undefined ? [systemctl('enable', '--now', SYSTEMD_UNIT_NAME)] : [systemctl('enable', SYSTEMD_UNIT_NAME), systemctl('restart', SYSTEMD_UNIT_NAME)]),
    ],
    uninstallCommands: () => [systemctl('disable', '--now', SYSTEMD_UNIT_NAME)],
    // A drop-in survives the next `orch startup`, which rewrites the unit.
    environmentHint: `add Environment=NAME=value with \`systemctl --user edit ${SYSTEMD_UNIT_NAME}\``,
    afterRemoval: [systemctl('daemon-reload')],
    hints: [
      `logs: orchestrator.log in ORCH_HOME, and journalctl --user -u ${SYSTEMD_UNIT_NAME}`,
      // A user manager runs only while its user is logged in, unless lingering is on.
      'to start it at boot without logging in: loginctl enable-linger $USER',
    ],
  };
}

function launchdService({ homeDir, uid, run }: ServiceContext): BootService {
  const file = launchdPlistPath(homeDir);
  const domain = `gui/${uid}`;
  const target = `${domain}/${LAUNCHD_LABEL}`;
  return {
    kind: 'the launchd agent',
    file,
    render: renderLaunchdPlist,
    unavailable: async () => undefined,
    async state() {
      const answer = await run('launchctl', ['print', target]);
      const pid = /^\s*pid = (\d+)/m.exec(answer.stdout)?.[1];
      return { loaded: answer.code === 0, pid: pid === undefined ? undefined : Number(pid) };
    },
    installCommands: ({ loaded }) => [...(loaded ? [['launchctl', 'bootout', target]] : []), ['launchctl', 'bootstrap', domain, file]],
    uninstallCommands: ({ loaded }) => (loaded ? [['launchctl', 'bootout', target]] : []),
    environmentHint: 'set it for your agents with `launchctl setenv NAME value`',
    afterRemoval: [],
    hints: ['logs: orchestrator.log in ORCH_HOME', 'a launch agent runs while you are logged in'],
  };
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0] || 'no output';
}
