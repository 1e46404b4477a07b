/**
 * `orch link CLIENT… [--dry-run] [--json] [--config PATH]`: rewrites each server of the clients' files
 * to run as `orch connect NAME`, adding to orch's config what it lacks exactly as `orch import` does.
 * `orch unlink CLIENT…` puts the files back (src/clients/link.ts says how). Each client file is
 * copied beside itself before it is rewritten, and its original kept in `$ORCH_HOME/links/`.
 * `--dry-run` prints the diffs and writes nothing at all, not even in `$ORCH_HOME`.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { keepCopy } from '../../clients/keep-copy.js';
import { decode, linkFile, surveyEntries, unlinkFile, type Launch, type SurveyedEntry } from '../../clients/link.js';
import { listRecords, readRecord, recordFile, removeRecord, saveRecord, type LinkedEntry, type LinkRecord } from '../../clients/link-store.js';
import { clientFiles, CLIENT_IDS, isClientId, type ClientFile, type ClientId } from '../../clients/locations.js';
import { addServers, planImport, type Candidate } from '../../clients/merge.js';
import { readOrchConfig, writeOrchConfig } from '../../clients/orch-config.js';
import { replaceFile } from '../../clients/replace-file.js';
import { JsonTextError } from '../../config/json.js';
import { displayPath } from '../../display-path.js';
import { errorMessage, fsReason, OrchError } from '../../errors.js';
import { resolveHome, type OrchHome } from '../../home.js';
import { packageRoot } from '../../package-root.js';
import { findDaemon } from '../client.js';
import { unifiedDiff } from '../line-diff.js';
import { configPath } from '../options.js';
import { fileLines, linkHints, unlinkLines, type LinkReport, type UnlinkReport } from '../link-report.js';

export interface LinkFlags {
  dryRun?: boolean;
  json?: boolean;
  config?: string;
}

/** One client file on its way through link: what was read, what link makes of it, or why not. */
interface Work {
  file: ClientFile;
  bytes: Buffer;
  record?: LinkRecord;
  entries: SurveyedEntry[];
  problem?: string;
  result?: { bytes: Buffer; record: LinkRecord; linked: LinkedEntry[] };
  backup?: string;
}

export async function linkCommand(ids: string[], flags: LinkFlags): Promise<void> {
  const clients = clientIds(ids);
  const home = resolveHome();
  const target = resolve(configPath(flags, home));
  const config = readOrchConfig(target, 'nothing linked');
  const works = clientFiles(homedir(), process.cwd())
    .filter((file) => clients.includes(file.client))
    .flatMap((file) => survey(home, file, target) ?? []);
  const add = planLinks(works, config.existing, displayPath(target));
  const launch = launchOf(home);
  for (const work of works) prepare(work, launch);
  // A server whose file cannot be linked is not added either: the link and the import go together.
  const added = add.filter(({ candidate }) => works.some((work) => work.result && work.file.path === candidate.path));
  const adding = added.map(({ candidate }) => candidate);

  let configCopy: string | undefined;
  if (!flags.dryRun) {
    if (adding.length > 0) configCopy = writeOrchConfig(target, config.text, adding, 'nothing linked');
    for (const work of works) if (work.result) write(home, work);
  }
  const missing = clients.filter((client) => !works.some((work) => work.file.client === client));
  const configDiff = flags.dryRun && adding.length > 0 ? unifiedDiff(config.text ?? '', addServers(config.text ?? '', adding), target) : undefined;
  const report: LinkReport = {
    dryRun: flags.dryRun === true,
    config: { path: target, added: adding.map((c) => c.name), ...(configCopy && { backup: configCopy }), ...(configDiff && { diff: configDiff }) },
    files: works.map((work) => fileReport(work, new Set(added.map(({ entry }) => entry)), flags.dryRun === true)),
    missing,
  };
  if (missing.length > 0 || report.files.some((file) => file.problem !== undefined)) process.exitCode = 1;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const notes = [
    ...(adding.length > 0 && !flags.dryRun && (await findDaemon(home)) ? ['a daemon is running: orch reload to start supervising the added servers'] : []),
    // orch connect uses the running daemon, else starts one with the remembered config: maybe not this one.
    ...(flags.config !== undefined && resolve(configPath({}, home)) !== target && report.files.some((file) => file.linked.length > 0)
      ? [`note: with no daemon running, orch connect starts one with ${displayPath(configPath({}, home))}; run orch start --config ${displayPath(target)} first`]
      : []),
  ];
  process.stdout.write([...fileLines(report), ...linkHints(report, clients), ...notes].map((line) => `${line}\n`).join(''));
}

export async function unlinkCommand(ids: string[], flags: Omit<LinkFlags, 'config'>): Promise<void> {
  const clients = clientIds(ids);
  const home = resolveHome();
  const { records, problems } = listRecords(home);
  const files = records
    .filter((record) => clients.includes(record.client))
    .sort((a, b) => CLIENT_IDS.indexOf(a.client) - CLIENT_IDS.indexOf(b.client) || (a.path < b.path ? -1 : 1))
    .map((record) => unlink(home, record, flags.dryRun === true));
  const report: UnlinkReport = {
    dryRun: flags.dryRun === true,
    files,
    notLinked: clients.filter((client) => !records.some((record) => record.client === client)),
    problems,
  };
  if (problems.length > 0 || files.some((file) => file.problem !== undefined)) process.exitCode = 1;
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : unlinkLines(report).map((line) => `${line}\n`).join(''));
}

function clientIds(ids: string[]): ClientId[] {
  const unknown = ids.find((id) => !isClientId(id));
  if (unknown !== undefined) throw new OrchError('USAGE', `unknown client "${unknown}" (known: ${CLIENT_IDS.join(', ')})`);
  return [...new Set(ids.filter(isClientId))];
}

/** The node and bin running now, by absolute path: a client spawns with a bare PATH, from any folder. */
function launchOf(home: OrchHome): Launch {
  const bin = join(packageRoot(), 'bin', 'orch.js');
  const custom = home.root !== resolve(homedir(), '.orch');
  return { command: process.execPath, bin, ...(custom && { env: { ORCH_HOME: home.root } }) };
}

/** Reads and surveys one client file; undefined when it is not there. */
function survey(home: OrchHome, file: ClientFile, target: string): Work | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { file, bytes: Buffer.alloc(0), entries: [], problem: `cannot read it: ${fsReason(error)}` };
  }
  const work: Work = { file, bytes, entries: [] };
  // orch's own config may sit where a client looks (~/.mcp.json is Claude Code's project file in ~):
  // linked, its servers would each run orch connect to themselves.
  if (file.path === target) return { ...work, problem: "it is orch's own config: never linked" };
  try {
    work.record = readRecord(home, file.path);
    work.entries = surveyEntries(file.layout, decode(bytes));
  } catch (error) {
    const at = error instanceof JsonTextError ? ` at ${error.at.line}:${error.at.column}` : '';
    work.problem = `cannot link it${at}: ${errorMessage(error).split('\n')[0]}`;
  }
  return work;
}

/**
 * Runs `orch import`'s plan over every server link would point at orch: a clash or a name orch cannot
 * use keeps that entry as it is. Returns the servers orch's config gains, each with its entry.
 */
function planLinks(works: Work[], existing: ReadonlyMap<string, unknown>, where: string): { candidate: Candidate; entry: SurveyedEntry }[] {
  const bySource = new Map<Candidate, SurveyedEntry>();
  for (const work of works) {
    for (const surveyed of work.entries) {
      if (surveyed.verdict.state !== 'link') continue;
      bySource.set({ name: surveyed.spot.name, client: work.file.client, path: work.file.path, entry: surveyed.verdict.entry }, surveyed);
    }
  }
  const plan = planImport(existing, [...bySource.keys()], where);
  for (const { candidate, against } of plan.clash) {
    bySource.get(candidate)!.verdict = { state: 'skip', reason: `clash: a different "${candidate.name}" is in ${against}; not linked (rename one to link it)` };
  }
  for (const { candidate, reason } of plan.invalid) bySource.get(candidate)!.verdict = { state: 'skip', reason };
  return plan.add.map((candidate) => ({ candidate, entry: bySource.get(candidate)! }));
}

function prepare(work: Work, launch: Launch): void {
  const targets = work.entries.filter((e) => e.verdict.state === 'link').map((e) => e.spot);
  if (work.problem || targets.length === 0) return;
  try {
    work.result = linkFile(work.file, work.bytes, work.record, targets, launch, new Date());
  } catch (error) {
    work.problem = `cannot link it: ${errorMessage(error)}`;
  }
}

/**
 * Copy beside the file, record, then the file itself: a record without its link is harmless (unlink
 * finds nothing to undo), a link without its record could not be undone.
 */
function write(home: OrchHome, work: Work): void {
  const { path } = work.file;
  const result = work.result!;
  try {
    if (!readFileSync(path).equals(work.bytes)) throw new Error('it changed while orch was linking it; run orch link again');
    work.backup = keepCopy(path, 'orch-link');
    saveRecord(home, result.record);
    try {
      replaceFile(path, result.bytes);
    } catch (error) {
      if (work.record) saveRecord(home, work.record);
      else removeRecord(home, path);
      throw error;
    }
  } catch (error) {
    work.problem = `nothing linked: ${fsReason(error)}`;
    delete work.result;
  }
}

function fileReport(work: Work, added: ReadonlySet<SurveyedEntry>, dryRun: boolean): LinkReport['files'][number] {
  const named = ({ spot }: SurveyedEntry) => ({ name: spot.name, ...(spot.project !== undefined && { project: spot.project }) });
  const linkedPaths = new Set(work.result?.linked.map((entry) => entry.path.join('\0')));
  const linked = work.entries.filter((e) => linkedPaths.has(e.spot.path.join('\0')));
  return {
    client: work.file.client,
    scope: work.file.scope,
    path: work.file.path,
    linked: linked.map((e) => ({
      ...named(e),
      added: added.has(e),
      envMoved: e.verdict.state === 'link' && Object.keys(e.verdict.entry.env ?? {}).length > 0,
    })),
    alreadyLinked: work.entries.filter((e) => e.verdict.state === 'linked').map(named),
    skipped: work.entries.flatMap((e) => (e.verdict.state === 'skip' ? [{ ...named(e), reason: e.verdict.reason }] : [])),
    ...(work.problem !== undefined && { problem: work.problem }),
    ...(work.backup !== undefined && { backup: work.backup }),
    ...(dryRun && work.result && { diff: unifiedDiff(work.bytes.toString('utf8'), work.result.bytes.toString('utf8'), work.file.path) }),
  };
}

function unlink(home: OrchHome, record: LinkRecord, dryRun: boolean): UnlinkReport['files'][number] {
  const report: UnlinkReport['files'][number] = { client: record.client, path: record.path, whole: false, restored: [], left: [] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(record.path);
  } catch (error) {
    const gone = (error as NodeJS.ErrnoException).code === 'ENOENT';
    report.problem = `${gone ? 'no longer there' : `cannot read it: ${fsReason(error)}`}: nothing restored (its original is in ${recordFile(home, record.path)})`;
    return report;
  }
  try {
    const result = unlinkFile(record, bytes);
    const named = (entry: LinkedEntry) => ({ name: entry.name, ...(entry.project !== undefined && { project: entry.project }) });
    Object.assign(report, { whole: result.whole, restored: result.restored.map(named), left: result.left.map(({ entry, reason }) => ({ ...named(entry), reason })) });
    if (dryRun) {
      const diff = unifiedDiff(bytes.toString('utf8'), result.bytes.toString('utf8'), record.path);
      if (diff) report.diff = diff;
      return report;
    }
    if (!result.bytes.equals(bytes)) {
      // Edited since orch linked it: the user's own bytes are about to change, keep a copy of them.
      if (!result.whole) report.backup = keepCopy(record.path, 'orch-unlink');
      replaceFile(record.path, result.bytes);
    }
    removeRecord(home, record.path);
  } catch (error) {
    report.problem = `nothing restored: ${fsReason(error)}`;
  }
  return report;
}
