/**
 * One daemon per ORCH_HOME: a lock file created exclusively, holding the owner's pid and start time.
 * A lock whose owner is gone (killed, crashed) is stale and taken over.
 */
import { openSync, closeSync, writeSync } from 'node:fs';
import { OrchError } from '../errors.js';
import { isSameProcess, processStartTime } from '../os/proc.js';
import { readJson, removeFile } from './atomic-file.js';

interface LockOwner {
  pid: number;
  startTime: string | null;
}

export interface DaemonLock {
  release(): void;
}

export function acquireLock(path: string, describeOwner: (pid: number) => string): DaemonLock {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) } satisfies LockOwner));
      closeSync(fd);
      return {
        release: () => {
          const owner = readJson(path) as LockOwner | undefined;
          if (owner?.pid === process.pid) removeFile(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = readJson(path) as LockOwner | undefined;
    if (owner && Number.isInteger(owner.pid) && owner.pid !== process.pid && isSameProcess(owner.pid, owner.startTime)) {
      throw new OrchError('DAEMON_RUNNING', describeOwner(owner.pid), { pid: owner.pid });
    }
    removeFile(path);
  }
  throw new OrchError('DAEMON_RUNNING', `could not take the lock ${path}: another daemon is starting`);
}
