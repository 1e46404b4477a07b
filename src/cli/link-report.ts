/** What `orch link` and `orch unlink` did (or would do, with `--dry-run`), as `--json` prints it and as lines. */
import type { ClientId } from '../clients/locations.js';
import { displayPath } from '../display-path.js';

interface Named {
  name: string;
  /** Claude Code's per-project entries: the project folder. */
  project?: string;
}

export interface LinkReport {
  dryRun: boolean;
  config: { path: string; added: string[]; backup?: string; diff?: string };
  files: {
    client: ClientId;
    scope: 'user' | 'project';
    path: string;
    /** `added`: orch's config gained the server (else it had it already); `envMoved`: the entry had env, which only orch's config holds now. */
    linked: (Named & { added: boolean; envMoved: boolean })[];
    alreadyLinked: Named[];
    skipped: (Named & { reason: string })[];
    /** Why nothing in this file was linked. */
    problem?: string;
    /** The copy of the file from before the link. */
    backup?: string;
    diff?: string;
  }[];
  /** Clients named with no config file on this machine. */
  missing: ClientId[];
}

export interface UnlinkReport {
  dryRun: boolean;
  files: {
    client: ClientId;
    path: string;
    /** The file came back byte for byte, as it was before the first link. */
    whole: boolean;
    restored: Named[];
    left: (Named & { reason: string })[];
    problem?: string;
    backup?: string;
    diff?: string;
  }[];
  notLinked: ClientId[];
  /** Records in `$ORCH_HOME/links/` orch could not read. */
  problems: string[];
}

export function fileLines(report: LinkReport): string[] {
  const done = report.dryRun ? 'would link' : 'linked';
  const verbWidth = Math.max(done.length, 'skipped'.length);
  const lines = report.files.flatMap((file) => {
    const rows: [string, Named, string][] = [
      ...file.linked.map((e): [string, Named, string] => [done, e, linkedNote(e, report.dryRun)]),
      ...file.alreadyLinked.map((e): [string, Named, string] => ['already', e, 'already linked: runs orch connect']),
      ...file.skipped.map((e): [string, Named, string] => ['skipped', e, e.reason]),
    ];
    const width = Math.max(0, ...rows.map(([, e]) => label(e).length));
    return [
      `${file.client} (${file.scope}) ${displayPath(file.path)}`,
      ...rows.map(([verb, e, why]) => `  ${verb.padEnd(verbWidth)}  ${label(e).padEnd(width)}  ${why}`.trimEnd()),
      ...(rows.length === 0 && !file.problem ? ['  no servers'] : []),
      ...(file.problem ? [`  ! ${file.problem}`] : []),
      ...(file.backup ? [`  the file before: ${displayPath(file.backup)}`] : []),
      ...(file.diff ? [file.diff.trimEnd()] : []),
    ];
  });
  const { config } = report;
  if (config.added.length > 0) {
    const before = config.backup ? `; the previous file is ${displayPath(config.backup)}` : '';
    lines.push(`orch config ${displayPath(config.path)}: ${report.dryRun ? 'would add' : 'added'} ${config.added.join(', ')}${before}`);
    if (config.diff) lines.push(config.diff.trimEnd());
  }
  return [...lines, ...report.missing.map((client) => `${client}: no config file found (see orch clients)`)];
}

/** The closing lines: restart the client, how to undo; or that nothing happened. */
export function linkHints(report: LinkReport, clients: readonly ClientId[]): string[] {
  if (report.dryRun) return ['dry run: nothing written'];
  const linked = clients.filter((client) => report.files.some((file) => file.client === client && file.linked.length > 0));
  if (linked.length === 0) return report.files.some((file) => file.problem) ? [] : ['nothing to link'];
  return [`restart ${linked.join(', ')} to use orch; undo with orch unlink ${linked.join(' ')}`];
}

export function unlinkLines(report: UnlinkReport): string[] {
  const would = (verb: string) => (report.dryRun ? `would ${verb}` : `${verb}d`);
  const lines = report.files.flatMap((file) => [
    `${file.client} ${displayPath(file.path)}`,
    ...(file.whole ? [`  ${would('restore')} the file byte for byte as it was before orch link (unchanged since)`] : []),
    ...(!file.whole && file.restored.length > 0 ? [`  ${would('restore')} ${file.restored.map(label).join(', ')}`] : []),
    ...file.left.map((e) => `  left ${label(e)}: ${e.reason}`),
    ...(!file.whole && !file.problem ? ['  changes made to the file since orch link are kept'] : []),
    ...(file.problem ? [`  ! ${file.problem}`] : []),
    ...(file.backup ? [`  the file before: ${displayPath(file.backup)}`] : []),
    ...(file.diff ? [file.diff.trimEnd()] : []),
  ]);
  lines.push(...report.notLinked.map((client) => `${client}: not linked by orch, nothing to undo`));
  lines.push(...report.problems.map((problem) => `! ${problem}`));
  const restored = [...new Set(report.files.filter((file) => file.whole || file.restored.length > 0).map((file) => file.client))];
  if (report.dryRun) lines.push('dry run: nothing written');
  else if (restored.length > 0) lines.push(`restart ${restored.join(', ')} to use the restored entries (orch's config keeps the servers link added)`);
  return lines;
}

function linkedNote({ added, envMoved }: { added: boolean; envMoved: boolean }, dryRun: boolean): string {
  const config = added ? (dryRun ? "would be added to orch's config" : "added to orch's config") : "already in orch's config";
  return envMoved ? `${config}; its env is there, no longer in this file` : config;
}

function label({ name, project }: Named): string {
  return project === undefined ? name : `${name} [project ${displayPath(project)}]`;
}
