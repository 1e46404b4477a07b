/**
 * The sampler's worker thread: expands each root pid into its process tree and measures every
 * process with pidusage, in one batch. Runs in piscina, off the supervisor's event loop.
 */
import pidusage from 'pidusage';
import { readMark } from '../os/marked.js';
import { ProcessTableCache, readProcessTable, TABLE_MAX_AGE_MS } from '../os/proc-tree.js';
import type { PidUsage } from './tree-usage.js';

export interface SampleTask {
  roots: number[];
  /** Per root, its server's environment marker, which finds the processes that left its tree. */
  marks?: (string | undefined)[];
}

export interface SampleResult {
  at: number;
  /** Per root, in the order given: the processes of its tree still alive to be measured. */
  trees: PidUsage[][];
  /** Per root: the processes of its tree outside its process group, which a group signal misses. */
  escaped: number[][];
}

const table = new ProcessTableCache(readProcessTable, TABLE_MAX_AGE_MS, Date.now, readMark);

export default async function sample({ roots, marks }: SampleTask): Promise<SampleResult> {
  const trees = table.trees(roots, marks);
  const pids = [...new Set([...trees.values()].flat())];
  const at = Date.now();
  // A batch silently leaves out pids that died meanwhile.
  const stats = pids.length > 0 ? await pidusage(pids) : {};
  if (pids.some((pid) => stats[pid]?.ppid !== table.parentOf(pid))) table.invalidate();
  return {
    at,
    trees: roots.map((root) =>
      (trees.get(root) ?? []).flatMap((pid) => {
        const stat = stats[pid];
        return stat ? [{ pid, ctimeMs: stat.ctime, memoryBytes: stat.memory, elapsedMs: stat.elapsed }] : [];
      }),
    ),
    escaped: roots.map((root) => {
      const group = table.groupOf(root);
      return (trees.get(root) ?? []).filter((pid) => stats[pid] && group !== undefined && table.groupOf(pid) !== group);
    }),
  };
}
