/**
 * What `orch startup` installs, as text: a systemd user unit and a launchd agent plist, both running
 * the daemon in the foreground so the service manager supervises it. Pure, so tests read every line
 * on any platform.
 */
import { DAEMON_RUNNING_EXIT } from '../launch.js';

export const SYSTEMD_UNIT_NAME = 'orch.service';
export const LAUNCHD_LABEL = 'dev.orch.daemon';

export interface StartupSpec {
  /** The daemon's command line: the Node binary first, then its flags, the entry point and `daemon --config PATH`. */
  command: string[];
  /** ORCH_HOME and PATH, so the daemon finds the same state and the servers the same commands as in a shell. */
  environment: Record<string, string>;
  /** Servers without a `cwd` run here. */
  workingDirectory: string;
  /** Where launchd sends the daemon's own output (systemd keeps it in the journal). */
  logFile: string;
}

export function renderSystemdUnit(spec: StartupSpec): string {
  const environment = Object.entries(spec.environment).map(([name, value]) => systemdWord(`${name}=${value}`, false));
  return [
    '# Written by `orch startup`; `orch unstartup` removes it.',
    '[Unit]',
    'Description=orch: a supervisor for MCP servers',
    '',
    '[Service]',
    // The daemon stays in the foreground: systemd supervises it and journald keeps its output.
    'Type=simple',
    `ExecStart=${spec.command.map((word) => systemdWord(word, true)).join(' ')}`,
    `Environment=${environment.join(' ')}`,
    // Taken as the rest of the line, unquoted (quotes would be part of the path); `%` is still a specifier.
    `WorkingDirectory=${spec.workingDirectory.replaceAll('%', '%%')}`,
    'Restart=on-failure',
    'RestartSec=2',
    `# ${DAEMON_RUNNING_EXIT}: another daemon holds this ORCH_HOME; starting again would not change that.`,
    `RestartPreventExitStatus=${DAEMON_RUNNING_EXIT}`,
    // Servers run in their own process groups but stay in the unit's cgroup: stopping the unit ends them all.
    'KillMode=control-group',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/**
 * One word of a unit file line (systemd.syntax(7), systemd.service(5) "Command lines"): `%` starts a
 * specifier and `$` a variable in ExecStart, so both are doubled; a word with anything else outside a
 * plain path's characters goes in double quotes with C escapes.
 */
export function systemdWord(word: string, command: boolean): string {
  let text = word.replaceAll('%', '%%');
  if (command) text = text.replaceAll('$', () => '$$');
  if (/^[\w@%+=:,./-]+$/.test(text)) return text;
  const escaped = text.replace(/[\\"\n\t]/g, (char) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t' })[char]!);
  return `"${escaped}"`;
}

export function renderLaunchdPlist(spec: StartupSpec): string {
  const string = (text: string) => `<string>${xmlText(text)}</string>`;
  const environment = Object.entries(spec.environment).flatMap(([name, value]) => [`    <key>${xmlText(name)}</key>`, `    ${string(value)}`]);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `orch startup`; `orch unstartup` removes it. -->',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  ${string(LAUNCHD_LABEL)}`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...spec.command.map((word) => `    ${string(word)}`),
    '  </array>',
    '  <key>EnvironmentVariables</key>',
    '  <dict>',
    ...environment,
    '  </dict>',
    '  <key>WorkingDirectory</key>',
    `  ${string(spec.workingDirectory)}`,
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Started again when it fails, not after a clean `orch shutdown`.
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>StandardOutPath</key>',
    `  ${string(spec.logFile)}`,
    '  <key>StandardErrorPath</key>',
    `  ${string(spec.logFile)}`,
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}

function xmlText(text: string): string {
  return text.replace(/[&<>]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[char]!);
}
