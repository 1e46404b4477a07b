/**
 * `orch import [CLIENT…] [--yes] [--config PATH]`: merges the servers of MCP clients into orch's config.
 * It prints the plan first, and writes only when told to (`--yes`, or "y" on a terminal): atomically,
 * keeping the file it replaces beside it. A running daemon is left alone: the user reloads it.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { findClientConfigs } from '../../clients/discover.js';
import { CLIENT_IDS, isClientId } from '../../clients/locations.js';
import { planImport, type Candidate, type ImportPlan } from '../../clients/merge.js';
import { readOrchConfig, writeOrchConfig } from '../../clients/orch-config.js';
import { displayPath } from '../../display-path.js';
import { OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import { findDaemon } from '../client.js';
import { configPath } from '../options.js';
import { describe } from './clients.js';

export interface ImportFlags {
  yes?: boolean;
  config?: string;
}

export async function importCommand(ids: string[], flags: ImportFlags): Promise<void> {
  const unknown = ids.find((id) => !isClientId(id));
  if (unknown !== undefined) throw new OrchError('USAGE', `unknown client "${unknown}" (known: ${CLIENT_IDS.join(', ')})`);
  const home = resolveHome();
  const target = resolve(configPath(flags, home));
  const { text, existing } = readOrchConfig(target, 'nothing imported');
  // orch's own config may sit where a client looks too (~/.mcp.json is Claude Code's project file in ~).
  const found = findClientConfigs(homedir(), process.cwd(), ids.length > 0 ? ids.filter(isClientId) : undefined).filter((file) => file.path !== target);
  const candidates: Candidate[] = found.flatMap((file) => file.servers.map(({ name, entry }) => ({ name, client: file.client, path: file.path, entry })));
  const plan = planImport(existing, candidates, displayPath(target));

  const unread = found.filter((file) => file.problems.length > 0).flatMap((file) => file.problems.map((p) => `  ${displayPath(file.path)}: ${p}`));
  const lines = [
    `orch config: ${displayPath(target)}${text === undefined ? ' (new file)' : ''}`,
    ...planLines(plan),
    ...(unread.length > 0 ? ['not read:', ...unread] : []),
  ];
  if (found.length === 0) lines.push('no MCP client config found');
  process.stdout.write(`${lines.join('\n')}\n`);
  if (plan.add.length === 0) {
    process.stdout.write('nothing to add\n');
    return;
  }
  if (!flags.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      process.stderr.write('orch: nothing written: pass --yes to import without a terminal to ask on\n');
      process.exitCode = 1;
      return;
    }
    if (!(await confirm(`Add ${plan.add.length} server${plan.add.length === 1 ? '' : 's'} to ${displayPath(target)}? [y/N] `))) {
      process.stdout.write('nothing written\n');
      return;
    }
  }
  const kept = writeOrchConfig(target, text, plan.add, 'nothing imported');
  const done = [`added ${plan.add.length} to ${displayPath(target)}${kept ? `; the previous file is ${displayPath(kept)}` : ''}`];
  if (await findDaemon(home)) done.push('a daemon is running: orch reload to start supervising them');
  process.stdout.write(`${done.join('\n')}\n`);
}

function planLines(plan: ImportPlan): string[] {
  const from = (c: Candidate) => `from ${c.client} (${displayPath(c.path)})`;
  return [
    ...plan.add.map((c) => `  add    ${c.name}  ${describe(c)}  ${from(c)}`),
    ...plan.clash.map(({ candidate: c, against }) => `  clash  ${c.name}  ${from(c)}: a different "${c.name}" is in ${against}; skipped`),
    ...plan.same.map((c) => `  same   ${c.name}  ${from(c)}: already there`),
    ...plan.invalid.map(({ candidate: c, reason }) => `  skip   ${JSON.stringify(c.name)}  ${from(c)}: ${reason}`),
  ];
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
