/** The piscina pool the sampler measures process trees in, pointed at the compiled worker (or the source with tsx). */
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import type { SampleResult, SampleTask } from './sampler.worker.js';

export interface SamplerPool {
  run(task: SampleTask): Promise<SampleResult>;
  close(): Promise<void>;
}

/**
 * A sampling thread costs the daemon ~9 MB of RSS while it exists, so it exits once nothing has been
 * sampled for this long (no server has a process); the next sample starts one again, for ~80 ms of CPU.
 * At least twice the sampling interval, so a running fleet keeps its thread. Samples come out
 * the same either way: CPU % is computed from cumulative CPU time outside the worker, and the worker's
 * process table is only a cache.
 */
const SAMPLER_IDLE_MS = 30_000;

/**
 * The worker reads /proc and holds one table of every process: ~7 MB of heap for 400 processes,
 * mostly Node's own start-up. The caps keep its isolate from growing to V8's defaults; a worker over
 * them fails that one sample, and the next sample starts a new one. Its code is shallow: 1 MB of stack.
 */
const SAMPLER_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, stackSizeMb: 1 };

/** One thread: sampling 500 processes takes a few ms, and the machine has two cores to share. */
export function createSamplerPool(options: { intervalMs?: number; idleMs?: number } = {}): SamplerPool {
  const idleMs = options.idleMs ?? Math.max(SAMPLER_IDLE_MS, 2 * (options.intervalMs ?? 0));
  // From source (tests, `npm start`) the worker is TypeScript and needs the tsx loader too.
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./sampler.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  // Loaded with the first sample: a daemon boots ~17 ms sooner, and one with nothing running never needs it.
  let pool: Promise<Piscina> | undefined;
  return {
    async run(task) {
      pool ??= import('piscina').then(
        ({ Piscina }) =>
          new Piscina({
            filename,
            minThreads: 0,
            maxThreads: 1,
            idleTimeout: idleMs,
            resourceLimits: SAMPLER_LIMITS,
            // Nobody reads the pool's run and wait time histograms.
            recordTiming: false,
            // Resolved here: Node would look for tsx from the current folder, which may be anywhere.
            execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
          }),
      );
      return (await pool).run(task) as Promise<SampleResult>;
    },
    async close() {
      const closing = pool;
      pool = undefined;
      await (await closing)?.destroy();
    },
  };
}
