/**
 * What scripts run most, `orch status [NAME…] [--json]` and `orch --version`, answered before cac and
 * the definitions of every verb load: a status poll then costs little more than its HTTP request.
 * `orch start [NAME…] [--config PATH] [--json]` and the `orch daemon …` it launches come this way too,
 * as every millisecond either spends loading is one more before the servers spawn.
 * Any other shape (`--server`, `--help`, another flag) goes to the full CLI, which answers these
 * same shapes with the same output and exit codes.
 */
import { endOnClosedOutput } from './closed-output.js';
import { reportFailure } from './failure.js';
import type { DaemonCommandFlags } from './commands/daemon.js';
import { serverNames } from './server-names.js';

export type FastCommand =
  | { verb: 'version' }
  | { verb: 'status'; names: string[]; json: boolean }
  | { verb: 'start'; names: string[]; json: boolean; config?: string }
  | { verb: 'daemon'; flags: DaemonCommandFlags };

/** The flags of `orch daemon`, each `--flag value` once, as `orch start` launches it (see launch.ts). */
const DAEMON_FLAGS = new Set(['--config', '--host', '--initial', '--port']);

/** The command `args` (argv after the script) ask for when they have one of the shapes above. */
export function fastCommand(args: readonly string[]): FastCommand | undefined {
  const [verb, ...rest] = args;
  if (args.length === 1 && (verb === '--version' || verb === '-v')) return { verb: 'version' };
  if (verb === 'start') return startCommand(rest);
  if (verb === 'daemon') return daemonCommand(rest);
  if (verb !== 'status' || !rest.every((arg) => arg === '--json' || !arg.startsWith('-'))) return undefined;
  const names = rest.filter((arg) => arg !== '--json');
  return { verb: 'status', names: serverNames(names, undefined), json: names.length < rest.length };
}

function startCommand(rest: readonly string[]): FastCommand | undefined {
  let json = false;
  let config: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--config' && config === undefined && isValue(rest[i + 1])) config = rest[++i];
    else if (arg.startsWith('-')) return undefined;
    else names.push(arg);
  }
  return { verb: 'start', names: serverNames(names, undefined), json, ...(config !== undefined && { config }) };
}

function daemonCommand(rest: readonly string[]): FastCommand | undefined {
  const flags: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i]!, rest[i + 1]];
    if (!isValue(value) || !DAEMON_FLAGS.has(flag) || flag.slice(2) in flags) return undefined;
    flags[flag.slice(2)] = value;
  }
  return { verb: 'daemon', flags };
}

/** A flag's value as cac takes it: there, and not another flag. */
function isValue(arg: string | undefined): arg is string {
  return arg !== undefined && !arg.startsWith('-');
}

/** Runs argv's command if {@link fastCommand} knows its shape; false leaves it to the full CLI. */
export async function runFastPath(argv: readonly string[]): Promise<boolean> {
  const command = fastCommand(argv.slice(2));
  if (!command) return false;
  // A daemon outlives a closed terminal: it sets its own output handlers.
  if (command.verb !== 'daemon') endOnClosedOutput();
  try {
    if (command.verb === 'daemon') {
      const { daemonCommand } = await import('./commands/daemon.js');
      await daemonCommand(command.flags);
    } else if (command.verb === 'start') {
      const { startCommand } = await import('./commands/start.js');
      await startCommand(command.names, { json: command.json, ...(command.config !== undefined && { config: command.config }) });
    } else if (command.verb === 'version') {
      // Imported here, not at the top: `orch status` has no use for reading package.json.
      const { VERSION } = await import('../version.js');
      // The line cac prints for `cli.version(VERSION)`, byte for byte.
      process.stdout.write(`orch/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`);
    } else {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(command.names, { json: command.json });
    }
  } catch (error) {
    reportFailure(error);
  }
  return true;
}
