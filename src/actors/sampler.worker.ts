/**
 * The sampler's worker thread: expands each root pid into its process tree and measures every
 * process with pidusage, in one batch. Runs in piscina, off the supervisor's event loop.
 */
import pidusage from 'pidusage';
import { expandTrees, readProcessTable } from './proc-tree.js';
import type { PidUsage } from './tree-usage.js';

export interface SampleTask {
  roots: number[];
}

export interface SampleResult {
  at: number;
  /** Per root, in the order given: the processes of its tree still alive to be measured. */
  trees: PidUsage[][];
}

export default async function sample({ roots }: SampleTask): Promise<SampleResult> {
  const trees = expandTrees(roots, readProcessTable());
  const pids = [...new Set([...trees.values()].flat())];
  const at = Date.now();
  // A batch silently leaves out pids that died meanwhile.
  const stats = pids.length > 0 ? await pidusage(pids) : {};
  return {
    at,
    trees: roots.map((root) =>
      (trees.get(root) ?? []).flatMap((pid) => {
        const stat = stats[pid];
        return stat ? [{ pid, ctimeMs: stat.ctime, memoryBytes: stat.memory, elapsedMs: stat.elapsed }] : [];
      }),
    ),
  };
}
