/**
 * Spawning a server in its own process group and signalling that group. `npx` servers are
 * npm → sh → node, and `child.kill()` reaches only npm, so every signal goes to `-pgid`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { statSync } from 'node:fs';
import { errorMessage } from '../errors.js';
import type { ServerSpec } from '../machines/server.types.js';
import { MARK_VARIABLE } from './marked.js';

export class SpawnError extends Error {}

/** `mark` is inherited by every descendant, so those that leave the process group can still be found. */
export function spawnServer(spec: ServerSpec, mark?: string): ChildProcessWithoutNullStreams {
  // Node reports a missing cwd as ENOENT of the command, which sends users looking in the wrong place.
  if (spec.cwd !== undefined && !isDirectory(spec.cwd)) {
    throw new SpawnError(`working directory does not exist: ${spec.cwd}`);
  }
  return spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env, ...(mark !== undefined && { [MARK_VARIABLE]: mark }) },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

export interface SpawnFailure {
  error: string;
  /** Retrying cannot help: the command is missing or not executable until someone fixes it. */
  fatal: boolean;
}

export function describeSpawnError(error: unknown, spec: ServerSpec): SpawnFailure {
  if (error instanceof SpawnError) return { error: error.message, fatal: false };
  const code = (error as NodeJS.ErrnoException).code;
  // A command with a slash is a path, taken as is (relative to cwd); a bare name is searched in PATH.
  const where = spec.command.includes('/')
    ? spec.cwd && !spec.command.startsWith('/') ? `; relative to ${spec.cwd}` : ''
    : `; searched PATH=${spec.env.PATH ?? process.env.PATH ?? ''}`;
  if (code === 'ENOENT') return { error: `command not found: ${spec.command} (ENOENT${where})`, fatal: true };
  if (code === 'EACCES') {
    return { error: `permission denied: ${spec.command} is not executable (EACCES${where})`, fatal: true };
  }
  return { error: `spawn failed: ${errorMessage(error)}`, fatal: false };
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
