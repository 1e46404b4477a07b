/**
 * Finding every process a server started, including those that left its process group (`setsid`, a
 * double fork): Node has no subreaper, so each server is spawned with an environment marker that its
 * descendants inherit (unless they clear their environment), read back from `/proc/<pid>/environ`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export const MARK_VARIABLE = 'ORCH_SUPERVISED';
const KEY = Buffer.from(`${MARK_VARIABLE}=`);

/** `owner` names one supervisor (a daemon's ORCH_HOME); the server name is encoded so no mark is a prefix of another. */
export function serverMark(owner: string, server: string): string {
  return `${owner}/${encodeURIComponent(server)}`;
}

/** A daemon's owner name, the same for every daemon of one ORCH_HOME. */
export function ownerForHome(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}

export function ownerOf(mark: string): string {
  return mark.slice(0, mark.indexOf('/'));
}

/** The marker in a process's environment; undefined when absent, unreadable or the process is gone. */
export function readMark(pid: number): string | undefined {
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return undefined;
  }
  let at = environ.indexOf(KEY);
  // Only at the start of an entry: another variable's value may contain the text.
  while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(KEY, at + 1);
  if (at < 0) return undefined;
  const end = environ.indexOf(0, at);
  return environ.toString('utf8', at + KEY.length, end < 0 ? environ.length : end);
}

/** Every live process (but this one) whose marker passes `match`; empty where there is no `/proc`. */
export function findMarked(match: (mark: string) => boolean): number[] {
  if (process.platform !== 'linux') return [];
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const mark = readMark(pid);
    if (mark !== undefined && match(mark)) found.push(pid);
  }
  return found;
}
