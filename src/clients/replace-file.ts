/**
 * Rewrites a client's file whole or not at all (temp file + rename in its folder), keeping its mode.
 * Through a symlink (dotfiles kept in a repository) the target is rewritten and the link stays a link.
 */
import { chmodSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

export function replaceFile(path: string, data: string | Uint8Array): void {
  const target = realpathSync(path);
  const mode = statSync(target).mode & 0o7777;
  const temporary = `${target}.orch-${process.pid}.tmp`;
  try {
    writeFileSync(temporary, data, { mode: 0o600 });
    // Set after writing: the process umask would have narrowed a mode given to writeFileSync.
    chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
