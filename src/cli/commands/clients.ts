/**
 * `orch clients [--json]`: every MCP client config on this machine with its servers. Env values are
 * never shown (they hold secrets), only their names; a file orch cannot read is listed with why.
 */
import { homedir } from 'node:os';
import { findClientConfigs } from '../../clients/discover.js';
import type { ClientServer, FoundFile } from '../../clients/readers.js';
import { displayPath } from '../../display-path.js';

export async function clientsCommand(flags: { json?: boolean }): Promise<void> {
  const found = findClientConfigs(homedir(), process.cwd());
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ files: found.map(toJson) }, null, 2)}\n`);
    return;
  }
  if (found.length === 0) {
    process.stdout.write('no MCP client config found (see orch clients --help for where orch looks)\n');
    return;
  }
  const lines = found.flatMap((file) => {
    const head = `${file.client} (${file.scope}) ${displayPath(file.path)}`;
    const width = Math.max(0, ...file.servers.map((s) => s.name.length));
    return [
      file.servers.length === 0 && file.problems.length === 0 ? `${head}: no servers` : head,
      ...file.servers.map((s) => `  ${s.name.padEnd(width)}  ${describe(s)}${s.project ? `  [project ${displayPath(s.project)}]` : ''}`),
      ...file.problems.map((problem) => `  ! ${problem}`),
    ];
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The command line or the url a server runs as. */
export function describe({ entry }: Pick<ClientServer, 'entry'>): string {
  if (entry.url !== undefined) return `${entry.url}${entry.type ? ` (${entry.type})` : ''}`;
  return [entry.command, ...(entry.args ?? [])].join(' ');
}

function toJson(file: FoundFile) {
  return {
    client: file.client,
    scope: file.scope,
    path: file.path,
    servers: file.servers.map(({ name, project, entry }) => ({
      name,
      ...(project !== undefined && { project }),
      ...(entry.type !== undefined && { type: entry.type }),
      ...(entry.command !== undefined && { command: entry.command, args: entry.args ?? [] }),
      ...(entry.url !== undefined && { url: entry.url }),
      ...(entry.env && { envNames: Object.keys(entry.env) }),
    })),
    problems: file.problems,
  };
}
