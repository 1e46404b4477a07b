/** The piscina pool the sampler measures process trees in, pointed at the compiled worker (or the source with tsx). */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { SampleResult, SampleTask } from './sampler.worker.js';

export interface SamplerPool {
  run(task: SampleTask): Promise<SampleResult>;
  close(): Promise<void>;
}

/** One thread: sampling 500 processes takes a few ms, and the machine has two cores to share. */
export function createSamplerPool(): SamplerPool {
  // From source (tests, `npm start`) the worker is TypeScript and needs the tsx loader too.
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(`./sampler.worker.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  let pool: Piscina | undefined;
  return {
    run(task) {
      pool ??= new Piscina({
        filename,
        minThreads: 1,
        maxThreads: 1,
        idleTimeout: Number.POSITIVE_INFINITY,
        // The worker only reads /proc: a small heap keeps its isolate from costing the daemon tens of MB.
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 24 },
        // Resolved here: Node would look for tsx from the current folder, which may be anywhere.
        execArgv: fromSource ? ['--import', import.meta.resolve('tsx')] : [],
      });
      return pool.run(task) as Promise<SampleResult>;
    },
    async close() {
      await pool?.destroy();
      pool = undefined;
    },
  };
}
