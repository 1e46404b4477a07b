/**
 * CPU % and memory of a process tree between two ticks, from cumulative CPU time. pidusage's own
 * CPU % keeps its history per thread, so with a pool it would be wrong; cumulative time is not.
 */
import type { ResourceSample } from '../machines/server.types.js';

export interface PidUsage {
  pid: number;
  /** User + system CPU time since the process started. */
  ctimeMs: number;
  memoryBytes: number;
  /** Time since the process started: tells a reused pid from the one seen last tick. */
  elapsedMs: number;
}

export interface TreeReading {
  at: number;
  pids: PidUsage[];
}

/**
 * A process seen last tick counts the CPU time it used since; one born since the last tick counts
 * all of its CPU time; the first reading of a tree has no interval and reads 0 %.
 */
export function treeUsage(previous: TreeReading | undefined, current: TreeReading): ResourceSample {
  const memoryBytes = current.pids.reduce((sum, p) => sum + p.memoryBytes, 0);
  if (!previous || current.at <= previous.at) return { cpuPercent: 0, memoryBytes, processes: current.pids.length };
  const intervalMs = current.at - previous.at;
  const before = new Map(previous.pids.map((p) => [p.pid, p]));
  let cpuMs = 0;
  for (const now of current.pids) {
    const then = before.get(now.pid);
    const sameProcess = then !== undefined && now.elapsedMs >= then.elapsedMs && now.ctimeMs >= then.ctimeMs;
    if (sameProcess) cpuMs += now.ctimeMs - then.ctimeMs;
    else if (now.elapsedMs <= intervalMs) cpuMs += now.ctimeMs;
  }
  return { cpuPercent: (cpuMs / intervalMs) * 100, memoryBytes, processes: current.pids.length };
}
