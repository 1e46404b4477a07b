/**
 * The `orch` command. Every verb lazy-imports its module so the CLI starts fast; user mistakes
 * print one line and exit 1 (a failed action) or 2 (a usage error), never a stack trace.
 */
import { cac } from 'cac';
import { isOrchError, OrchError } from '../errors.js';
import { VERSION } from '../version.js';
import { endOnClosedOutput } from './closed-output.js';
import type { DaemonFlags } from './options.js';

/** They run a daemon, which must outlive a closed terminal (it sets its own output handlers). */
const RUNS_A_DAEMON = new Set(['daemon', 'monitor']);

interface ServerFlags {
  server?: string | string[];
}

export function createCLI() {
  const cli = cac('orch');
  const names = async (positional: string[], flags: ServerFlags) =>
    (await import('./options.js')).serverNames(positional, flags.server);

  cli
    .command('start [...names]', 'Start servers (all enabled ones by default; NAME or @GROUP), launching the daemon if none runs')
    .option('--server <name>', 'A server to start (repeatable; same as a positional name)')
    .option('--config <path>', 'MCP config file; a running daemon switches to it (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'Port for a new daemon (default: ORCH_PORT, the config, or 5000; 0 picks a free one)')
    .option('--host <host>', 'Address for a new daemon to listen on (default: 127.0.0.1)')
    .example('orch start --config ./examples/demo.mcp.json')
    .action(async (positional: string[], flags: ServerFlags & DaemonFlags) => {
      const { startCommand } = await import('./commands/control.js');
      await startCommand(await names(positional, flags), flags);
    });

  cli
    .command('stop [...names]', 'Stop servers (all by default; NAME or @GROUP); the daemon keeps running')
    .option('--server <name>', 'A server to stop (repeatable)')
    .action(async (positional: string[], flags: ServerFlags) => {
      const { stopCommand } = await import('./commands/control.js');
      await stopCommand(await names(positional, flags));
    });

  cli
    .command('restart [...names]', 'Restart the named servers (NAME or @GROUP)')
    .option('--server <name>', 'A server to restart (repeatable)')
    .action(async (positional: string[], flags: ServerFlags) => {
      const { restartCommand } = await import('./commands/control.js');
      await restartCommand(await names(positional, flags));
    });

  cli
    .command('status', 'Every server: state, pid, uptime, restarts, CPU, memory, last ping')
    .option('--json', 'Machine-readable output')
    .action(async (flags: { json?: boolean }) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(flags);
    });

  cli.command('reload', 'Re-read the config file: add, remove and restart what changed, print one line a server').action(async () => {
    const { reloadCommand } = await import('./commands/reload.js');
    await reloadCommand();
  });

  cli
    .command('logs <name>', "A server's recent stderr")
    .option('-f, --follow', 'Keep printing new lines until Ctrl-C')
    .option('-n, --lines <n>', 'How many recent lines (default 50)')
    .action(async (name: string, flags: { follow?: boolean; lines?: string }) => {
      const { logsCommand } = await import('./commands/logs.js');
      await logsCommand(name, flags);
    });

  cli
    .command('dashboard', 'Print (and open) a one-time login link to the web dashboard')
    .option('--no-open', 'Only print the link')
    .action(async (flags: { open?: boolean }) => {
      const { dashboardCommand } = await import('./commands/dashboard.js');
      await dashboardCommand(flags);
    });

  cli
    .command('monitor', 'Run the daemon in the foreground printing every transition, or attach to the running one')
    .option('--config <path>', 'MCP config file; a running daemon switches to it (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'HTTP port (default: ORCH_PORT, the config, or 5000; 0 picks a free one)')
    .option('--host <host>', 'Address to listen on (default: 127.0.0.1)')
    .option('--dev', 'Development mode: the dashboard also shows the live statechart')
    .example('orch monitor --config ./examples/demo.mcp.json')
    .action(async (flags: DaemonFlags & { dev?: boolean }) => {
      const { monitorCommand } = await import('./commands/monitor.js');
      await monitorCommand(flags);
    });

  cli.command('viz', 'Print the server statechart as Mermaid text, read from the machine definition').action(async () => {
    const [{ chartOf, toMermaid }, { serverMachine }] = await Promise.all([
      import('../machines/chart.js'),
      import('../machines/server.machine.js'),
    ]);
    process.stdout.write(toMermaid(chartOf(serverMachine)));
  });

  cli.command('shutdown', 'Stop every server, then the daemon').action(async () => {
    const { shutdownCommand } = await import('./commands/shutdown.js');
    await shutdownCommand();
  });

  cli
    .command('daemon', 'Run the daemon without the transition log (what `orch start` launches)')
    .option('--config <path>', 'MCP config file (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'HTTP port')
    .option('--host <host>', 'Address to listen on (default: 127.0.0.1)')
    .option('--initial <which>', 'saved: start what ran last time; none: wait to be told')
    .action(async (flags: DaemonFlags & { initial?: string }) => {
      const { daemonCommand } = await import('./commands/daemon.js');
      await daemonCommand(flags);
    });

  cli.help();
  cli.version(VERSION);
  return cli;
}

export async function runCLI(argv: string[]): Promise<void> {
  const cli = createCLI();
  try {
    cli.parse(argv, { run: false });
    if (!RUNS_A_DAEMON.has(cli.matchedCommandName ?? '')) endOnClosedOutput();
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
