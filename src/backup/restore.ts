/**
 * Puts a checked backup in place: the config file at its path (or `--to`), `state.json` in
 * `$ORCH_HOME`, and the config remembered for the next daemon. Whatever it replaces is first copied
 * next to itself as `<file>.orch-restore-<time>` (same folder, same mode), so undoing a restore is a
 * `mv` and the copies never leave the folder whose permissions already guard them.
 */
import { constants, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseJsonc } from '../config/json.js';
import { rememberConfig } from '../daemon/config-memory.js';
import { writeFileAtomic } from '../daemon/atomic-file.js';
import { displayPath } from '../display-path.js';
import { fsReason, OrchError } from '../errors.js';
import { ensureHome, type OrchHome } from '../home.js';
import type { Backup } from './backup.js';
import { restoreSecrets } from './secrets.js';

/**
 * The backup's config text ready to write to `target`: redacted secrets taken from the config there
 * now. One that has no value for some of them stops the restore before anything is written.
 */
export function configToWrite(backup: Backup, target: string, file: string): { text: string; taken: string[] } {
  const { text, taken, missing } = restoreSecrets(backup.configText, readCurrent(target));
  if (missing.length > 0) {
    throw new OrchError(
      'BACKUP_FAILED',
      `${displayPath(file)} has no secrets (made without --with-secrets) and ${displayPath(target)} has no value for ${missing.join(', ')}: add them there first, or restore a backup made with --with-secrets`,
    );
  }
  return { text, taken };
}

/** Writes the files; returns the copies kept of what they replaced. */
export function applyRestore(home: OrchHome, target: string, configText: string, backup: Backup, stamp: string): string[] {
  ensureHome(home);
  const kept: string[] = [];
  const attempt = (path: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      const already = kept.length > 0 ? ` (the files as they were are kept as ${kept.map(displayPath).join(', ')})` : '';
      throw new OrchError('BACKUP_FAILED', `cannot write ${displayPath(path)}: ${fsReason(error)}${already}`);
    }
  };
  // Through a symbolic link (a dotfiles repository), to the file it points at: the link stays.
  const configFile = existsSync(target) ? realpathSync(target) : target;
  for (const path of [configFile, home.wantedFile]) {
    if (existsSync(path)) attempt(path, () => kept.push(keepCopy(path, stamp)));
  }
  attempt(configFile, () => {
    mkdirSync(dirname(configFile), { recursive: true });
    writeFileAtomic(configFile, configText, existsSync(configFile) ? statSync(configFile).mode & 0o777 : 0o600);
  });
  attempt(home.wantedFile, () => writeFileAtomic(home.wantedFile, `${JSON.stringify(backup.wanted, null, 2)}\n`, 0o600));
  rememberConfig(home, target);
  return kept;
}

/** `<path>.orch-restore-<stamp>`, never over an earlier copy (two restores in one second). */
function keepCopy(path: string, stamp: string): string {
  for (let n = 1; ; n++) {
    const copy = `${path}.orch-restore-${stamp}${n > 1 ? `-${n}` : ''}`;
    try {
      copyFileSync(path, copy, constants.COPYFILE_EXCL);
      return copy;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The config now at `path`, parsed, or undefined when there is none (or it is not JSON). */
function readCurrent(path: string): unknown {
  try {
    return parseJsonc(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
