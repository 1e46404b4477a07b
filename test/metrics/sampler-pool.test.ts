/** The sampling thread: it measures real processes, and exists only while there is something to sample. */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSamplerPool } from '../../src/metrics/sampler-pool.js';
import { eventually } from '../support/orchestrator.js';

const threads = () => readdirSync('/proc/self/task').length;

describe.skipIf(process.platform !== 'linux')('createSamplerPool', () => {
  it('exits its thread once idle; the next sample starts one and reads the same process', async () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pool = createSamplerPool({ idleMs: 300 });
    try {
      const before = threads();
      const first = await pool.run({ roots: [child.pid!] });
      const sampling = threads();
      expect(sampling).toBeGreaterThan(before);
      expect(first.trees[0]!.map((usage) => usage.pid)).toEqual([child.pid]);
      expect(first.trees[0]![0]!.memoryBytes).toBeGreaterThan(0);

      await eventually(() => threads() < sampling, 10_000, 'the idle thread to exit');
      const second = await pool.run({ roots: [child.pid!] });
      expect(second.trees[0]!.map((usage) => usage.pid)).toEqual([child.pid]);
      expect(second.at).toBeGreaterThan(first.at);
      expect(second.trees[0]![0]!.elapsedMs).toBeGreaterThanOrEqual(first.trees[0]![0]!.elapsedMs);
      expect(second.trees[0]![0]!.ctimeMs).toBeGreaterThanOrEqual(first.trees[0]![0]!.ctimeMs);
    } finally {
      await pool.close();
      child.kill();
    }
  });
});
