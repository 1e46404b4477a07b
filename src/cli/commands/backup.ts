/**
 * `orch backup [FILE]` and `orch restore FILE`: the config in use, the wanted state and optionally the
 * logs, in one tar.gz; and back, checked through before anything is touched. A running daemon is read
 * for the config it uses, and after a restore is moved onto the restored file.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileStamp, readBackup, writeBackup, type Backup } from '../../backup/backup.js';
import { applyRestore, configToWrite } from '../../backup/restore.js';
import { WantedState } from '../../daemon/wanted.js';
import { displayPath } from '../../display-path.js';
import { errorMessage, fsReason, isOrchError, OrchError } from '../../errors.js';
import { resolveHome } from '../../home.js';
import type { ReloadResult } from '../../http/deps.js';
import { StorageProblems } from '../../storage/problems.js';
import type { ActionResult } from '../../system.js';
import { findDaemon, type DaemonClient } from '../client.js';
import { formatChanges } from '../config-changes.js';
import { configPath } from '../options.js';

export interface BackupFlags {
  config?: string;
  /** A string when cac took the word after the flag for its value: see {@link fileAndFlags}. */
  withSecrets?: boolean | string;
  withLogs?: boolean | string;
}

export async function backupCommand(positional: string | undefined, flags: BackupFlags): Promise<void> {
  const { file, withSecrets, withLogs } = fileAndFlags(positional, flags);
  const home = resolveHome();
  const daemon = flags.config === undefined ? await findDaemon(home) : undefined;
  const inUse = daemon && (await daemon.request<{ config: string }>('GET', '/api/health')).config;
  const named = `orch-backup-${fileStamp(new Date())}.tar.gz`;
  // A folder gets the default name inside it, as `cp` would.
  const folder = file === undefined || statSync(file, { throwIfNoEntry: false })?.isDirectory();
  const path = folder ? resolve(file ?? '.', named) : resolve(file);
  let written;
  try {
    written = await writeBackup(path, { configPath: inUse ?? configPath(flags, home), home, withSecrets, withLogs });
  } catch (error) {
    if (isOrchError(error)) throw error;
    throw new OrchError('BACKUP_FAILED', `cannot write ${displayPath(path)}: ${fsReason(error)}`);
  }
  const { manifest, members, size } = written;
  const width = Math.max(...members.map((m) => m.path.length));
  const lines = [
    `wrote ${displayPath(path)} (${bytes(size)}${written.private ? ', mode 0600' : ''})`,
    ...members.map((m) => `  ${m.path.padEnd(width)}  ${bytes(m.size)}`),
    `config: ${displayPath(manifest.config.source)}`,
  ];
  if (withSecrets) {
    lines.push('secrets: included, so the archive is readable by you alone (mode 0600); keep it as safe as the config');
  } else {
    lines.push(
      manifest.redacted.length === 0
        ? 'secrets: none found in the config'
        : `secrets: ${manifest.redacted.length} redacted (${manifest.redacted.join(', ')}); orch restore takes them from the config it replaces, --with-secrets keeps them`,
    );
    if (withLogs) lines.push('logs: included, so the archive is readable by you alone (mode 0600): logs hold whatever servers print');
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

export async function restoreCommand(file: string, flags: { to?: string }): Promise<void> {
  const home = resolveHome();
  const backup = await readBackup(file);
  const target = resolve(flags.to ?? backup.manifest.config.source);
  const { text, taken } = configToWrite(backup, target, file);
  const daemon = await findDaemon(home);
  const kept = applyRestore(home, target, text, backup, fileStamp(new Date()));

  const wishes = Object.values(backup.wanted.servers);
  const count = (wish: string) => wishes.filter((w) => w === wish).length;
  const { orch, createdAt } = backup.manifest;
  const lines = [
    `restored ${displayPath(target)} from ${displayPath(resolve(file))} (made by orch ${orch} at ${createdAt})`,
    `restored ${displayPath(home.wantedFile)} (${count('started')} started and ${count('stopped')} stopped by you)`,
    kept.length > 0 ? `kept what it replaced: ${kept.map(displayPath).join(', ')}` : 'replaced nothing: neither file was there',
  ];
  if (taken.length > 0) lines.push(`secrets: ${taken.length} taken from the config it replaced (${taken.join(', ')})`);
  if (!daemon) lines.push('no daemon is running: `orch start` runs the restored servers');
  process.stdout.write(`${lines.join('\n')}\n`);
  if (daemon) await moveDaemon(daemon, target, backup, home.wantedFile);
}

/**
 * Reloads the daemon onto the restored file, then applies the restored wishes through it: the daemon
 * keeps the wanted state in memory and writes it back on the next start or stop, so it must hear them.
 * What a fresh daemon would start is started, the rest stopped.
 */
async function moveDaemon(daemon: DaemonClient, target: string, backup: Backup, wantedFile: string): Promise<void> {
  let answer: ReloadResult;
  try {
    answer = await daemon.request<ReloadResult>('POST', '/api/reload', { config: target });
  } catch (error) {
    throw new OrchError('BACKUP_FAILED', `the files are restored, but the daemon keeps its old config: ${errorMessage(error)}`);
  }
  process.stdout.write(formatChanges(`reloaded the daemon onto ${displayPath(answer.config)}`, answer.changes, process.stdout.isTTY === true));
  const wanted = new WantedState(wantedFile, new StorageProblems());
  const start = wanted.toStart(backup.config.servers);
  const stop = backup.config.servers.map((s) => s.name).filter((name) => !start.includes(name));
  for (const [action, names] of [['stop', stop], ['start', start]] as const) {
    if (names.length === 0) continue;
    const { acted } = await daemon.request<ActionResult>('POST', `/api/servers/${action}`, { names });
    process.stdout.write(`${action === 'start' ? 'starting' : 'stopping'} ${acted.join(', ')}\n`);
  }
}

/**
 * cac 7.1 does not know a kebab-case flag is boolean and hands it the word after it
 * (`orch backup --with-secrets FILE`; cacjs/cac#169): such a word is the FILE.
 */
function fileAndFlags(positional: string | undefined, flags: BackupFlags) {
  const swallowed = [flags.withSecrets, flags.withLogs].filter((value): value is string => typeof value === 'string');
  const files = [...swallowed, ...(positional === undefined ? [] : [positional])];
  if (files.length > 1) throw new OrchError('USAGE', `backup writes one FILE, got ${files.join(' and ')}`);
  const on = (value: boolean | string | undefined) => value !== undefined && value !== false;
  return { file: files[0], withSecrets: on(flags.withSecrets), withLogs: on(flags.withLogs) };
}

function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 ** 2) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 ** 2).toFixed(1)} MB`;
}
