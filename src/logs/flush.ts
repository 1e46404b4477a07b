/**
 * Emptying a server's log files (`orch logs --flush`): the current file is truncated, its rotations
 * (`NAME.log.1` …) removed. The daemon closes its file first (ServerLogs.flush): an open
 * `RotatingFile` counts the bytes it wrote and would rotate the emptied file early.
 */
import { rmSync, truncateSync } from 'node:fs';
import { DEFAULT_ROTATION } from './rotating-file.js';

/** The current file and its rotations, newest first: NAME.log, NAME.log.1 … NAME.log.(files-1). */
export function rotatedPaths(path: string, files = DEFAULT_ROTATION.files): string[] {
  return [path, ...Array.from({ length: files - 1 }, (_, index) => `${path}.${index + 1}`)];
}

export function emptyLogFiles(path: string, files = DEFAULT_ROTATION.files): void {
  const [current, ...rotated] = rotatedPaths(path, files);
  try {
    truncateSync(current!);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const old of rotated) rmSync(old, { force: true });
}
