/** A copy of a file beside it before orch rewrites it: `<file>.<tag>-<stamp>`, never over an earlier copy. */
import { constants, copyFileSync } from 'node:fs';
import { fileStamp } from '../backup/backup.js';

/** Returns the copy's path; a second copy within the same second gets `-2`, `-3`… */
export function keepCopy(path: string, tag: 'orch-import' | 'orch-link' | 'orch-unlink'): string {
  const base = `${path}.${tag}-${fileStamp(new Date())}`;
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
