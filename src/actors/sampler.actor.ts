/**
 * The sampler: one tick every interval (chained, never overlapping) measures the process tree of
 * every server that has a process, in a piscina worker. Every sample goes to `onSample` (the latest
 * figures and the history); a server actor is sent one only when it is over a limit or just came back
 * under, since that is all its health decisions need, and 100 servers × every 2 s of events is not free.
 * HTTP requests never trigger a sample; they read the last one.
 */
import { fromCallback, type AnyActorRef } from 'xstate';
import { resourceProblem } from '../machines/describe.js';
import type { Policy } from '../config/policy.js';
import type { ResourceSample } from '../machines/server.types.js';
import { serverActorId } from '../machines/supervisor.machine.js';
import type { SamplerPool } from '../metrics/sampler-pool.js';
import { treeUsage, type TreeReading } from '../metrics/tree-usage.js';

export interface SamplerDeps {
  pool: SamplerPool;
  intervalMs: number;
  onSample?(server: string, pid: number, sample: ResourceSample, at: number): void;
  /** The environment marker of a server's processes, which finds those that left its tree. */
  markOf?(server: string): string;
  /** A process of the server left its process group; told once per process. */
  onEscaped?(server: string, pid: number): void;
  onError?(error: unknown): void;
}

export function createSamplerActor(deps: SamplerDeps) {
  return fromCallback<{ type: string }>(({ system }) => {
    const previous = new Map<string, TreeReading & { root: number }>();
    const overLimit = new Set<string>();
    const escaped = new Map<string, Set<number>>();
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;

    // The members as they are now: servers come and go while the sampler runs.
    const members = () =>
      ((system.get('supervisor')?.getSnapshot() as { context?: { servers?: { spec: { name: string } }[] } } | undefined)
        ?.context?.servers ?? []).map((server) => server.spec.name);
    const targets = () =>
      members().flatMap((name) => {
        const ref = system.get(serverActorId(name)) as AnyActorRef | undefined;
        const context = (ref?.getSnapshot() as { context?: { pid?: number | null; policy?: Policy } } | undefined)?.context;
        const pid = context?.pid;
        return ref && typeof pid === 'number' && context?.policy ? [{ name, ref, pid, policy: context.policy }] : [];
      });

    const tick = async () => {
      try {
        const measured = targets();
        if (measured.length === 0) return;
        const result = await deps.pool.run({
          roots: measured.map((t) => t.pid),
          marks: measured.map((t) => deps.markOf?.(t.name)),
        });
        if (stopped) return;
        measured.forEach(({ name, ref, pid, policy }, index) => {
          const reading: TreeReading = { at: result.at, pids: result.trees[index] ?? [] };
          if (reading.pids.length === 0) return;
          reportEscapees(name, result.escaped[index] ?? []);
          const before = previous.get(name);
          const sample = treeUsage(before?.root === pid ? before : undefined, reading);
          previous.set(name, { ...reading, root: pid });
          deps.onSample?.(name, pid, sample, reading.at);
          const over = resourceProblem(policy.health, sample) !== null;
          if (over || overLimit.has(name)) ref.send({ type: 'resources.sample', ...sample });
          if (over) overLimit.add(name);
          else overLimit.delete(name);
        });
      } catch (error) {
        deps.onError?.(error);
      } finally {
        if (!stopped) timer = setTimeout(() => void tick(), deps.intervalMs);
      }
    };
    const reportEscapees = (name: string, pids: number[]) => {
      // The usual tick: nothing has escaped, and nothing is allocated to say so.
      if (pids.length === 0) return void escaped.delete(name);
      const known = escaped.get(name) ?? new Set<number>();
      for (const pid of pids) if (!known.has(pid)) deps.onEscaped?.(name, pid);
      // Only the live ones are remembered, so the set cannot grow past the tree.
      escaped.set(name, new Set(pids));
    };
    timer = setTimeout(() => void tick(), 0);

    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  });
}
