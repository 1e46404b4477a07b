/**
 * The `orch` command. Every verb lazy-imports its module so the CLI starts fast; user mistakes
 * print one line and exit 1 (a failed action), 2 (a usage error) or 3 (a partial start), never a stack trace.
 */
import { cac } from 'cac';
import { OrchError } from '../errors.js';
import { VERSION } from '../version.js';
import { endOnClosedOutput } from './closed-output.js';
import type { BackupFlags } from './commands/backup.js';
import type { LogsFlags } from './commands/logs.js';
import type { ServeFlags } from './commands/serve.js';
import { reportFailure } from './failure.js';
import type { DaemonFlags } from './options.js';
import { serverNames } from './server-names.js';

/** They run a daemon, which must outlive a closed terminal (it sets its own output handlers). */
const RUNS_A_DAEMON = new Set(['daemon', 'monitor', 'serve']);

interface ServerFlags {
  server?: string | string[];
}

interface JsonFlag {
  json?: boolean;
}

export function createCLI() {
  const cli = cac('orch');
  cli
    .command('start [...names]', 'Start servers (all enabled ones by default; NAME, @GROUP or all), launching the daemon if none runs')
    .option('--server <name>', 'A server to start (repeatable; same as a positional name)')
    .option('--json', 'Print {acted, notes, servers} once they settle')
    .option('--config <path>', 'MCP config file; a running daemon switches to it (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'Port for a new daemon (default: ORCH_PORT, the config, or 5000; 0 picks a free one)')
    .option('--host <host>', 'Address for a new daemon to listen on (default: 127.0.0.1)')
    .example('orch start --config ./examples/demo.mcp.json')
    .example('orch start memory @dev')
    .action(async (positional: string[], flags: ServerFlags & DaemonFlags & JsonFlag) => {
      const { startCommand } = await import('./commands/start.js');
      await startCommand(serverNames(positional, flags.server), flags);
    });

  cli
    .command('stop [...names]', 'Stop servers (all by default; NAME, @GROUP or all); the daemon keeps running')
    .option('--server <name>', 'A server to stop (repeatable)')
    .option('--json', 'Print {acted, notes, servers} once they settle')
    .example('orch stop memory')
    .action(async (positional: string[], flags: ServerFlags & JsonFlag) => {
      const { stopCommand } = await import('./commands/control.js');
      await stopCommand(serverNames(positional, flags.server), flags);
    });

  cli
    .command('restart [...names]', 'Restart servers (all enabled ones by default; NAME, @GROUP or all)')
    .option('--server <name>', 'A server to restart (repeatable)')
    .option('--json', 'Print {acted, notes, servers} once they are back')
    .example('orch restart @dev')
    .action(async (positional: string[], flags: ServerFlags & JsonFlag) => {
      const { restartCommand } = await import('./commands/control.js');
      await restartCommand(serverNames(positional, flags.server), flags);
    });

  cli
    .command('status [...names]', 'Each server (all by default; NAME or all): state, pid, uptime, restarts, CPU, memory, last ping')
    .option('--server <name>', 'A server to show (repeatable)')
    .option('--json', 'Machine-readable output')
    .example('orch status memory --json')
    .action(async (positional: string[], flags: ServerFlags & JsonFlag) => {
      const { statusCommand } = await import('./commands/status.js');
      await statusCommand(serverNames(positional, flags.server), flags);
    });

  cli
    .command('hooks', 'Every webhook: its events and how many deliveries succeeded, failed or were dropped, and the last error')
    .option('--json', 'Machine-readable output')
    .example('orch hooks --json')
    .action(async (flags: JsonFlag) => {
      const { hooksCommand } = await import('./commands/hooks.js');
      await hooksCommand(flags);
    });

  cli
    .command('reload', 'Re-read the config file: add, remove and restart what changed, print one line a server')
    .option('--json', 'Print {config, changes}')
    .example('orch reload')
    .action(async (flags: JsonFlag) => {
      const { reloadCommand } = await import('./commands/reload.js');
      await reloadCommand(flags);
    });

  cli
    .command('backup [file]', 'Write the config in use, the wanted state and optionally the logs to one tar.gz (default: orch-backup-TIME.tar.gz here)')
    .option('--config <path>', 'Config file to back up (default: the one the daemon runs, else the last one used, else ~/.mcp.json)')
    .option('--with-secrets', 'Keep env, headers and webhook secrets in the archive (written mode 0600); redacted by default')
    .option('--with-logs', 'Add the server logs (the archive is then mode 0600)')
    .example('orch backup --with-secrets ~/orch-backup.tar.gz')
    .action(async (file: string | undefined, flags: BackupFlags) => {
      const { backupCommand } = await import('./commands/backup.js');
      await backupCommand(file, flags);
    });

  cli
    .command('restore <file>', 'Check a backup through, keep copies of the files it replaces, write them, and reload the daemon')
    .option('--to <path>', 'Where to write the config (default: the path it was backed up from)')
    .example('orch restore orch-backup-20261125-232621.tar.gz')
    .action(async (file: string, flags: { to?: string }) => {
      const { restoreCommand } = await import('./commands/backup.js');
      await restoreCommand(file, flags);
    });

  cli
    .command('clients', "Every MCP client config on this machine (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf, Gemini CLI, Codex) and its servers")
    .option('--json', 'Machine-readable output (env values are never shown, only their names)')
    .example('orch clients --json')
    .action(async (flags: JsonFlag) => {
      const { clientsCommand } = await import('./commands/clients.js');
      await clientsCommand(flags);
    });

  cli
    .command('import [...clients]', "Merge the clients' servers into orch's config (all found by default): shows what it adds, what clashes and what it skips")
    .option('--yes', 'Write without asking (needed without a terminal)')
    .option('--config <path>', 'Config file to merge into (default: the last one used, else ~/.mcp.json; created if missing)')
    .example('orch import claude-desktop cursor --yes')
    .action(async (clients: string[], flags: { yes?: boolean; config?: string }) => {
      const { importCommand } = await import('./commands/import.js');
      await importCommand(clients, flags);
    });

  cli
    .command('link <...clients>', "Make the clients' servers run through orch (`orch connect NAME`), adding to orch's config what it lacks; keeps a copy and the original")
    .option('--dry-run', 'Print the diffs, change nothing')
    .option('--json', 'Machine-readable output')
    .option('--config <path>', 'Config file to add servers to (default: the last one used, else ~/.mcp.json; created if missing)')
    .example('orch link claude-desktop cursor --dry-run')
    .action(async (clients: string[], flags: { dryRun?: boolean; config?: string } & JsonFlag) => {
      const { linkCommand } = await import('./commands/link.js');
      await linkCommand(clients, flags);
    });

  cli
    .command('unlink <...clients>', "Put back the clients' entries orch link rewrote: the whole original file if unchanged since, else entry by entry")
    .option('--dry-run', 'Print the diffs, change nothing')
    .option('--json', 'Machine-readable output')
    .example('orch unlink cursor')
    .action(async (clients: string[], flags: { dryRun?: boolean } & JsonFlag) => {
      const { unlinkCommand } = await import('./commands/link.js');
      await unlinkCommand(clients, flags);
    });

  cli
    .command('describe <name>', 'Everything about one server: command, env names, policy, protocol, tools, process tree, restarts, log files')
    .option('--json', 'Machine-readable output')
    .example('orch describe memory')
    .action(async (name: string, flags: { json?: boolean }) => {
      const { describeCommand } = await import('./commands/describe.js');
      await describeCommand(name, flags);
    });

  cli
    .command('logs [name]', "Servers' stderr from the log files (every server, interleaved, without a name); works with no daemon running")
    .option('-f, --follow', 'Keep printing new lines until Ctrl-C (needs the daemon)')
    .option('-n, --lines <n>', 'How many recent lines (default 50)')
    .option('--since <when>', 'Only lines since a time ago (30s, 10m, 2h, 1d) or a date')
    .option('--json', 'One JSON object a line: {time, server, stream, text}')
    .option('--flush', "Empty the server's log files (every server's without a name)")
    .example('orch logs memory -n 100 --since 10m')
    .example('orch logs -f')
    .action(async (name: string | undefined, flags: LogsFlags) => {
      const { logsCommand } = await import('./commands/logs.js');
      await logsCommand(name, flags);
    });

  cli
    .command('connect <name>', "A stdio MCP server for a client's config: forwards to the daemon's /mcp/NAME, starting the daemon and the server if needed")
    .example('orch connect memory   # in a client config: {"command": "orch", "args": ["connect", "memory"]}')
    .action(async (name: string) => {
      const { connectCommand } = await import('./commands/connect.js');
      await connectCommand(name);
    });

  cli
    .command('dashboard', 'Print (and open) a one-time login link to the web dashboard')
    .option('--no-open', 'Only print the link')
    .option('--json', 'Print {url, expiresAt} and open nothing (the link works once)')
    .example('orch dashboard --no-open')
    .action(async (flags: { open?: boolean } & JsonFlag) => {
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

  cli
    .command('viz', 'Print the server statechart as Mermaid text, read from the machine definition')
    .example('orch viz > statechart.mmd')
    .action(async () => {
      const [{ chartOf, toMermaid }, { serverMachine }] = await Promise.all([
        import('../machines/chart.js'),
        import('../machines/server.machine.js'),
      ]);
      process.stdout.write(toMermaid(chartOf(serverMachine)));
    });

  cli
    .command('shutdown', 'Stop every server, then the daemon (none running is fine)')
    .option('--json', 'Print {stopped, pid}')
    .example('orch shutdown')
    .action(async (flags: JsonFlag) => {
      const { shutdownCommand } = await import('./commands/shutdown.js');
      await shutdownCommand(flags);
    });

  cli
    .command('health', "The daemon's own pid, version, uptime, RSS, CPU, event-loop delay, config and storage problems")
    .option('--json', 'Print GET /api/health as is')
    .example('orch health --json')
    .action(async (flags: JsonFlag) => {
      const { healthCommand } = await import('./commands/health.js');
      await healthCommand(flags);
    });

  cli
    .command('secret <action> [id]', 'Values for ${input:ID} in the config: set ID (from stdin, not echoed), unset ID, list (ids only)')
    .example('orch secret set api-key')
    .example('printf %s "$KEY" | orch secret set api-key')
    .example('orch secret list')
    .action(async (action: string, id: string | undefined) => {
      const { secretCommand } = await import('./commands/secret.js');
      await secretCommand(action, id);
    });

  cli
    .command('startup', 'Start the daemon with your session: a systemd user unit (Linux) or a launchd agent (macOS)')
    .option('--config <path>', 'MCP config file the daemon runs (default: the last one used, else ~/.mcp.json)')
    .option('--dry-run', 'Print the file and the commands, change nothing')
    .example('orch startup --dry-run --config ~/.mcp.json')
    .action(async (flags: { config?: string; dryRun?: boolean }) => {
      const { startupCommand } = await import('./commands/startup.js');
      await startupCommand(flags);
    });

  cli
    .command('unstartup', 'Stop the daemon `orch startup` installed and remove its unit or agent')
    .example('orch unstartup')
    .action(async () => {
      const { unstartupCommand } = await import('./commands/startup.js');
      await unstartupCommand();
    });

  cli
    .command('serve', 'Run one server in the foreground for a container: its MCP endpoint, /readyz, /livez and /metrics, JSON logs on stdout')
    .option('--server <name>', 'The server to run')
    .option('--config <path>', 'MCP config file (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'HTTP port (default: ORCH_PORT, or 8080)')
    .option('--host <host>', 'Address to listen on (default: 127.0.0.1; beyond it needs a given token and --allow-origin)')
    .option('--token-file <path>', 'Read the token from this file (or set ORCH_TOKEN); default: the one in $ORCH_HOME')
    .option('--allow-origin <origin>', 'A browser origin allowed to call the endpoint (repeatable)')
    .example('orch serve --server memory --host 0.0.0.0 --allow-origin https://app.example.com')
    .action(async (flags: ServeFlags) => {
      const { serveCommand } = await import('./commands/serve.js');
      await serveCommand(flags);
    });

  cli
    .command('export <target>', 'Write what runs the servers in a cluster: `kubernetes` gives Deployments, Services, a ConfigMap, Secret env files, a Dockerfile and a kustomization.yaml')
    .option('--config <path>', 'MCP config file (default: the last one used, else ~/.mcp.json)')
    .option('--out <dir>', 'Folder to write into (default: k8s)')
    .option('--namespace <ns>', 'Namespace of every object')
    .option('--image <image>', 'Image the Deployments run (default: orch-servers:VERSION, built from the exported Dockerfile)')
    .option('--with-secrets', 'Write the env values and ORCH_TOKEN into secrets/*.env (mode 0600); keys only by default')
    .option('--allow-origin <origin>', "A browser origin the servers accept (repeatable; default: only the Service's own)")
    .example('orch export kubernetes --config ~/.mcp.json --out k8s --namespace mcp')
    .action(async (target: string, flags: import('./commands/export.js').ExportFlags) => {
      const { exportCommand } = await import('./commands/export.js');
      await exportCommand(target, flags);
    });

  cli
    .command('daemon', 'Run the daemon without the transition log (what `orch start` launches)')
    .example('orch daemon --config ~/.mcp.json')
    .option('--config <path>', 'MCP config file (default: the last one used, else ~/.mcp.json)')
    .option('--port <port>', 'HTTP port')
    .option('--host <host>', 'Address to listen on (default: 127.0.0.1)')
    .option('--initial <which>', 'saved: start what ran last time; none: wait to be told')
    .action(async (flags: DaemonFlags & { initial?: string }) => {
      const { daemonCommand } = await import('./commands/daemon.js');
      await daemonCommand(flags);
    });

  // cac gives every `--no-x` option a default of true and prints it, which reads as if it were on.
  cli.help((sections) => sections.map((section) => ({ ...section, body: section.body.replaceAll(' (default: true)', '') })));
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
    reportFailure(error);
  }
}
