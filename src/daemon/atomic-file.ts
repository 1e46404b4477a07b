/** Small JSON state files written whole or not at all, so a daemon killed mid-write leaves no torn file. */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(path: string, text: string, mode = 0o600): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode });
    renameSync(temporary, path);
  } catch (error) {
    // A full disk leaves a torn temporary file behind: take it away, keep the old file.
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(path: string, value: unknown, mode = 0o600): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}

/** `undefined` when the file is missing or not JSON: these files are orch's own, and rewritten on use. */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}
