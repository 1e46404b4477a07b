/** Resource sampling of real process trees: memory limits, CPU, wrappers, and a clean shutdown. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/config/policy.js';
import { bootOrchestrator, eventually, FAST_POLICY, fixture, FIXTURE, type TestOrchestrator } from '../support/orchestrator.js';

const MB = 1024 ** 2;
let orch: TestOrchestrator | undefined;
afterEach(async () => {
  await orch?.shutdown();
  orch = undefined;
});

describe('resource sampling', () => {
  it('restarts a server whose memory keeps growing, with a reason naming memory', async () => {
    orch = bootOrchestrator([
      fixture('leaky', ['--leak-mb-per-s=40'], { health: { memoryBytes: 150 * MB, intervalMs: 60_000 } }),
    ]);
    orch.start();
    const over = await orch.waitForTransition((t) => t.server === 'leaky' && t.to === 'unhealthy', 20_000);
    expect(over.reason).toMatch(/^memory \d+(\.\d)? MB over the 150 MB limit \(1\/2\)$/);
    const restart = await orch.waitForTransition((t) => t.server === 'leaky' && t.to === 'stopping', 10_000);
    expect(restart.reason).toMatch(/memory .* over the 150 MB limit \(2\/2\): restarting/);
    await orch.waitForTransition((t) => t.server === 'leaky' && t.from === 'starting' && t.to === 'running' && t.time > restart.time);
  });

  it('shows a server spinning a core near 100 % CPU', async () => {
    orch = bootOrchestrator([fixture('spinner', ['--spin'], { health: { cpuPercent: 1_000 } })]);
    orch.start();
    await orch.waitForState('spinner', 'running');
    await eventually(() => (orch!.status('spinner').cpuPercent ?? 0) > 70, 10_000, 'CPU near 100 %');
    expect(orch.status('spinner').cpuPercent).toBeLessThan(130);
  });

  it('an idle server reads near 0 % CPU', async () => {
    orch = bootOrchestrator([fixture('idle')]);
    orch.start();
    await orch.waitForState('idle', 'running');
    await eventually(() => orch!.history.series('idle').at.length >= 3, 10_000, 'three samples');
    expect(orch.status('idle').cpuPercent).toBeLessThan(20);
  });

  it('measures the whole tree of a wrapper: sh -c "node server" includes the node grandchild', async () => {
    orch = bootOrchestrator([
      {
        name: 'wrapped',
        command: 'sh',
        // `; true` keeps sh alive as the parent, as npx and uvx wrappers stay.
        args: ['-c', `"${process.execPath}" "${FIXTURE}"; true`],
        env: {},
        cwd: undefined,
        disabled: false,
        dependsOn: [],
        policy: resolvePolicy(FAST_POLICY),
      },
    ]);
    orch.start();
    await orch.waitForState('wrapped', 'running');
    await eventually(() => orch!.status('wrapped').processes !== null, 10_000, 'a sample');
    const status = orch.status('wrapped');
    expect(status.processes).toBe(2);
    // sh alone is a megabyte or two; node is tens of megabytes.
    expect(status.memoryBytes).toBeGreaterThan(20 * MB);
    const detail = orch.detail('wrapped');
    expect(detail.history.memoryBytes.at(-1)).toBe(status.memoryBytes);
  });

  it('closes the worker pool on shutdown: its thread is gone and the process exits by itself', async () => {
    const script = fileURLToPath(new URL('../fixtures/sample-then-exit.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 20_000 });
    const { before, sampling, after } = JSON.parse(stdout) as { before: number; sampling: number; after: number };
    expect(sampling).toBeGreaterThan(before);
    expect(after).toBeLessThanOrEqual(before);
  });
});
