/**
 * The `orch` command. Every verb lazy-imports its module so `orch --help` stays fast; user mistakes
 * print one line and exit 1 (a failed action) or 2 (a usage error), never a stack trace.
 */
import { cac } from 'cac';
import { isOrchError, OrchError } from '../errors.js';
import { VERSION } from '../version.js';

export interface ConfigOption {
  config?: string;
}

export function createCLI() {
  const cli = cac('orch');

  cli
    .command('monitor', 'Supervise every enabled server in the foreground, printing each state transition')
    .option('--config <path>', 'MCP config file (default: ~/.mcp.json)')
    .example('orch monitor --config ./examples/demo.mcp.json')
    .action(async (options: ConfigOption) => {
      const { monitor } = await import('./commands/monitor.js');
      await monitor(options);
    });

  cli.help();
  cli.version(VERSION);
  return cli;
}

export async function runCLI(argv: string[]): Promise<void> {
  const cli = createCLI();
  try {
    cli.parse(argv, { run: false });
    if (!cli.matchedCommand) {
      if (cli.args.length > 0) throw new OrchError('USAGE', `unknown command "${cli.args[0]}" (see orch --help)`);
      if (!cli.options.help && !cli.options.version) cli.outputHelp();
      return;
    }
    await cli.runMatchedCommand();
  } catch (error) {
    if (isOrchError(error)) {
      process.stderr.write(`orch: ${error.message}\n`);
      process.exitCode = error.code === 'USAGE' ? 2 : 1;
    } else if (error instanceof Error && error.name === 'CACError') {
      process.stderr.write(`orch: ${error.message} (see orch --help)\n`);
      process.exitCode = 2;
    } else {
      throw error;
    }
  }
}
