/** What `/proc` tells about a process, Linux-first; elsewhere the answers degrade to "unknown". */
import { readFileSync } from 'node:fs';

/**
 * The fields of a `/proc/<pid>/stat` line after the command name, from the state (field 3) on; the
 * name (field 2) may hold spaces and parentheses, so the split starts after its last closing one.
 */
export function statFields(stat: string): string[] | undefined {
  const close = stat.lastIndexOf(')');
  return close < 0 ? undefined : stat.slice(close + 2).split(' ');
}

/**
 * The process's start time in clock ticks since boot (field 22 of `/proc/<pid>/stat`): together with
 * the pid it names one process, so a reused pid is not mistaken for the one recorded earlier.
 * `null` when the process is gone, a zombie, or `/proc` is not there.
 */
export function processStartTime(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = statFields(stat);
  if (!fields || fields[0] === 'Z') return null;
  return fields[19] ?? null;
}

/** The process group of `pid` (field 5 of its stat line); `null` when it is gone or `/proc` is not there. */
export function processGroup(pid: number): number | null {
  try {
    const group = Number(statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[2]);
    return Number.isInteger(group) ? group : null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs and, when a start time was recorded, is still that same process. */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  const now = processStartTime(pid);
  if (now !== null) return startTime === null || now === startTime;
  if (process.platform === 'linux') return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's resident memory (VmRSS); `null` when it is gone or `/proc` is not there. */
export function residentBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? null : Number(kb) * 1024;
  } catch {
    return null;
  }
}
