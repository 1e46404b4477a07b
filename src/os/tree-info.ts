/**
 * A server's process tree as `orch describe` shows it: each process's pid, parent, command line and
 * resident memory, read from `/proc` in the daemon at the time of asking. Elsewhere than Linux the
 * pids come from `ps` and the rest is unknown.
 */
import { readFileSync } from 'node:fs';
import { residentBytes } from './proc.js';
import { expandTrees, readProcessTable } from './proc-tree.js';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The command line, arguments separated by spaces; empty when it cannot be read (a zombie). */
  command: string;
  rssBytes: number | null;
}

/** `root` first, then its descendants, and `adopted`: processes of the server that left the tree. */
export function processTree(root: number, adopted: number[] = []): ProcessInfo[] {
  const table = readProcessTable();
  const parents = new Map(table.map((entry) => [entry.pid, entry.ppid]));
  const pids = expandTrees([root], table, new Map([[root, adopted]])).get(root) ?? [];
  return pids.map((pid) => ({ pid, ppid: parents.get(pid) ?? 0, command: commandLine(pid), rssBytes: residentBytes(pid) }));
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}
