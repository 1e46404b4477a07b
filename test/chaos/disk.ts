/**
 * A filesystem that fills up and empties: ORCH_HOME on a small tmpfs of its own (root only), filled
 * with one file of zeros until ENOSPC, then freed by deleting it. Without root, or when the mount
 * fails, ORCH_HOME is an ordinary folder and only this fault is skipped.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Room for every log the fleet writes in a run (the flooder's are capped at 5 × 10 MB) and the state files. */
const TMPFS_SIZE = '160m';

export interface Disk {
  /** Where ORCH_HOME goes. */
  dir: string;
  /** Why the full-disk fault is skipped, when it is. */
  skipped: string | undefined;
  full: boolean;
  /** Fills the filesystem to the last block; resolves with the bytes written. */
  fill(): Promise<number>;
  free(): Promise<void>;
  unmount(): Promise<void>;
}

export async function prepareDisk(dir: string): Promise<Disk> {
  mkdirSync(dir, { recursive: true });
  let skipped: string | undefined;
  if (process.getuid?.() !== 0) skipped = 'not root, so no tmpfs can be mounted';
  else {
    try {
      await run('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE},mode=0700`, 'tmpfs', dir]);
    } catch (error) {
      const why = (error as { stderr?: string }).stderr?.trim() || String(error);
      skipped = `mount -t tmpfs failed: ${why.split('\n')[0]}`;
    }
  }
  const filler = join(dir, 'filler');
  const disk: Disk = {
    dir,
    skipped,
    full: false,
    async fill() {
      if (skipped) return 0;
      disk.full = true;
      const file = await open(filler, 'w');
      let written = 0;
      try {
        // Big chunks first, then down to a page, so the last free block is taken too.
        for (const size of [4 * 1024 * 1024, 64 * 1024, 4 * 1024]) {
          const zeros = Buffer.alloc(size);
          for (;;) {
            try {
              written += (await file.write(zeros)).bytesWritten;
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        await file.close();
      }
      return written;
    },
    async free() {
      await rm(filler, { force: true });
      disk.full = false;
    },
    async unmount() {
      await disk.free().catch(() => undefined);
      if (skipped) return;
      try {
        await run('umount', [dir]);
      } catch {
        // Something still holds a file there (a process that escaped every cleanup): detach it anyway.
        await run('umount', ['-l', dir]).catch(() => undefined);
      }
    },
  };
  return disk;
}
