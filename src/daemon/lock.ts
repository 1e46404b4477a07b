/**
 * One daemon per ORCH_HOME: a lock file holding the owner's pid and start time. A lock whose owner is
 * gone (killed, crashed) is stale and taken over.
 *
 * Races are the point of a lock, so: the file appears with its content at once (written under a
 * private name, then hard-linked into place: `link` fails with EEXIST if the lock exists), and a stale
 * lock is moved aside before it is deleted, so a taker that was slower to look never deletes the live
 * lock another taker has just put there.
 */
import { linkSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { OrchError } from '../errors.js';
import { isSameProcess, processStartTime } from '../os/proc.js';
import { removeFile } from './atomic-file.js';

interface LockOwner {
  pid: number;
  startTime: string | null;
}

export interface DaemonLock {
  /**
   * Whether the lock file still holds this process's own content. A stale takeover racing two others
   * can, within microseconds, leave a second taker believing it holds the lock: asked before the
   * daemon announces itself, this settles it.
   */
  held(): boolean;
  release(): void;
  /** The lock was left by a daemon that died (a clean exit removes it): what it ran may still be running. */
  readonly tookOverStale: boolean;
}

export function acquireLock(path: string, describeOwner: (pid: number) => string): DaemonLock {
  const mine = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) } satisfies LockOwner);
  let tookOverStale = false;
  // Each round either takes the lock, finds a live owner, or clears one stale lock; a few suffice.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (tryCreate(path, mine)) {
      return {
        tookOverStale,
        held: () => readText(path) === mine,
        release: () => {
          if (readText(path) === mine) removeFile(path);
        },
      };
    }
    const text = readText(path);
    if (text === undefined) continue;
    const owner = liveOwner(text);
    if (owner !== undefined && owner !== process.pid) {
      throw new OrchError('DAEMON_RUNNING', describeOwner(owner), { pid: owner });
    }
    removeStale(path, text);
    tookOverStale = true;
  }
  throw new OrchError('DAEMON_RUNNING', `could not take the lock ${path}: another daemon is starting`);
}

/** The pid holding the lock at `path` if that process is still alive. */
export function lockOwner(path: string): number | undefined {
  const text = readText(path);
  return text === undefined ? undefined : liveOwner(text);
}

function tryCreate(path: string, content: string): boolean {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    removeFile(temporary);
  }
}

/**
 * Deletes the lock only if it still holds `staleText`. Renaming is atomic, so what was moved aside
 * is exactly what gets checked; a live lock moved by mistake is linked back into place.
 */
function removeStale(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readText(aside) !== staleText) linkSync(aside, path);
  } catch (error) {
    // EEXIST: a third taker linked its lock in the instant the live one was aside; it keeps it.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    removeFile(aside);
  }
}

function liveOwner(text: string): number | undefined {
  let owner: Partial<LockOwner>;
  try {
    owner = JSON.parse(text) as Partial<LockOwner>;
  } catch {
    return undefined;
  }
  if (typeof owner.pid !== 'number' || !Number.isInteger(owner.pid)) return undefined;
  return isSameProcess(owner.pid, owner.startTime ?? null) ? owner.pid : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
