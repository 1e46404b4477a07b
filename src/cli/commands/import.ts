/**
 * `orch import [CLIENT…] [--yes] [--config PATH]`: merges the servers of MCP clients into orch's config.
 * It prints the plan first, and writes only when told to (`--yes`, or "y" on a terminal): atomically,
 * keeping the file it replaces beside it. A running daemon is left alone: the user reloads it.
 */
import { copyFileSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { findClientConfigs } from '../../clients/discover.js';
import { CLIENT_IDS, isClientId } from '../../clients/locations.js';
import { addServers, planImport, type Candidate, type ImportPlan } from '../../clients/merge.js';
import { fileStamp } from '../../backup/backup.js';
import { JsonTextError, parseJsonc } from '../../config/json.js';
import { displayPath } from '../../config/load.js';
import { writeFileAtomic } from '../../daemon/atomic-file.js';
import { fsReason, OrchError } from '../../errors.js';
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
  const { text, existing } = readTarget(target);
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
  const kept = write(target, text, plan.add);
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

/** The config's text (undefined when there is none yet) and its servers by name, both sections. */
function readTarget(path: string): { text: string | undefined; existing: Map<string, unknown> } {
  if (!existsSync(path)) return { text: undefined, existing: new Map() };
  let text: string;
  let data: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OrchError('CONFIG_UNREADABLE', `${displayPath(path)}: cannot read it (${fsReason(error)})`);
  }
  try {
    data = text.trim() === '' ? {} : parseJsonc(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new OrchError('CONFIG_SYNTAX', `${displayPath(path)}:${error.at.line}:${error.at.column}: ${error.message}; nothing imported`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OrchError('CONFIG_INVALID', `${displayPath(path)}: expected an object at the top level; nothing imported`);
  }
  const sections = ['mcpServers', 'servers'].map((key) => (data as Record<string, unknown>)[key]);
  const existing = new Map(sections.flatMap((s) => (typeof s === 'object' && s !== null ? Object.entries(s) : [])));
  return { text, existing };
}

/** Writes the merged config; returns the backup of the file it replaced, if there was one. */
function write(path: string, text: string | undefined, add: Candidate[]): string | undefined {
  try {
    if (text === undefined) {
      writeFileAtomic(path, addServers('', add));
      return undefined;
    }
    const kept = keepCopy(path);
    // The config keeps its mode (it may be shared read-only, or private for its secrets).
    writeFileAtomic(path, addServers(text, add), statSync(path).mode & 0o777);
    return kept;
  } catch (error) {
    throw new OrchError('CONFIG_UNREADABLE', `cannot write ${displayPath(path)}: ${fsReason(error)}; nothing imported`);
  }
}

/** `<file>.orch-import-<stamp>`, never over an earlier copy (two imports in one second). */
function keepCopy(path: string): string {
  const base = `${path}.orch-import-${fileStamp(new Date())}`;
  for (let n = 1; ; n += 1) {
    const copy = n === 1 ? base : `${base}-${n}`;
    try {
      copyFileSync(path, copy, constants.COPYFILE_EXCL);
      return copy;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

async function confirm(question: string): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
