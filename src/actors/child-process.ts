/**
 * Spawning a server in its own process group and signalling that group. `npx` servers are
 * npm → sh → node, and `child.kill()` reaches only npm, so every signal goes to `-pgid`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import type { ServerSpec } from '../machines/server.types.js';

export class SpawnError extends Error {}

export function spawnServer(spec: ServerSpec): ChildProcessWithoutNullStreams {
  // Node reports a missing cwd as ENOENT of the command, which sends users looking in the wrong place.
  if (spec.cwd !== undefined && !isDirectory(spec.cwd)) {
    throw new SpawnError(`working directory does not exist: ${spec.cwd}`);
  }
  return spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

export function describeSpawnError(error: unknown, spec: ServerSpec): string {
  if (error instanceof SpawnError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `command not found: ${spec.command} (ENOENT)`;
  if (code === 'EACCES') return `permission denied: ${spec.command} is not executable (EACCES)`;
  return `spawn failed: ${errorMessage(error)}`;
}

/** Sends `signal` to every process in the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    return signalGroup(pgid, 0);
  } catch {
    // EPERM: the group exists but belongs to someone else now.
    return true;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
