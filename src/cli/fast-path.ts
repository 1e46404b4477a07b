/**
 * What scripts run most, `orch status [NAME…] [--json]` and `orch --version`, answered before cac and
 * the definitions of every verb load: a status poll then costs little more than its HTTP request.
 * Any other shape (`--server`, `--help`, another flag) goes to the full CLI, which answers these
 * same shapes with the same output and exit codes.
 */
import { endOnClosedOutput } from './closed-output.js';
import { reportFailure } from './failure.js';
import { serverNames } from './server-names.js';

export type FastCommand = { verb: 'version' } | { verb: 'status'; names: string[]; json: boolean };

/** The command `args` (argv after the script) ask for when they have one of the shapes above. */
export function fastCommand(args: readonly string[]): FastCommand | undefined {
  const [verb, ...rest] = args;
  if (args.length === 1 && (verb === '--version' || verb === '-v')) return { verb: 'version' };
  if (verb !== 'status' || !rest.every((arg) => arg === '--json' || !arg.startsWith('-'))) return undefined;
  const names = rest.filter((arg) => arg !== '--json');
  return { verb: 'status', names: serverNames(names, undefined), json: names.length < rest.length };
}

/** Runs argv's command if {@link fastCommand} knows its shape; false leaves it to the full CLI. */
export async function runFastPath(argv: readonly string[]): Promise<boolean> {
  const command = fastCommand(argv.slice(2));
  if (!command) return false;
  endOnClosedOutput();
  try {
    if (command.verb === 'version') {
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
