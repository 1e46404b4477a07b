/**
 * kill -9 → running again, next to the same server's cold start, for a real MCP server from npm.
 * The first restart is immediate by policy, so the difference is the supervisor's own overhead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { waitFor } from 'xstate';
import { resolvePolicy } from '../src/config/policy.js';
import { serverStateName, type ServerSnapshot } from '../src/machines/server.state.js';
import { serverActorId } from '../src/machines/supervisor.machine.js';
import { bootOrchestrator } from '../test/support/orchestrator.js';
import { heading, median, ms, percentile, row } from './stats.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 15);

export async function benchRestart(): Promise<void> {
  const require = createRequire(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-'));
  const orch = bootOrchestrator([
    {
      name: 'memory',
      command: process.execPath,
      args: [require.resolve('@modelcontextprotocol/server-memory/dist/index.js')],
      env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') },
      cwd: undefined,
      disabled: false,
      dependsOn: [],
      // No probes during the trials, and no jitter: only the restart path is measured.
      policy: resolvePolicy({ health: { intervalMs: 600_000 }, restart: { jitter: 0, maxRestarts: 1_000 } }),
    },
  ]);
  const cold: number[] = [];
  const handshake: number[] = [];
  const recovery: number[] = [];
  try {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      let began = performance.now();
      orch.start(['memory']);
      const running = await orch.waitForState('memory', 'running', 20_000);
      cold.push(performance.now() - began);
      const ready = /ready in (\d+) ms/.exec(running.context.reason);
      if (ready) handshake.push(Number(ready[1]));

      const pid = running.context.pid!;
      began = performance.now();
      process.kill(pid, 'SIGKILL');
      await waitFor(
        orch.supervisor.getSnapshot().children[serverActorId('memory')]!,
        (s) => serverStateName(s as ServerSnapshot) === 'running' && (s as ServerSnapshot).context.pid !== pid,
        { timeout: 20_000 },
      );
      recovery.push(performance.now() - began);

      orch.stop(['memory']);
      await orch.waitForState('memory', 'stopped', 20_000);
    }
  } finally {
    await orch.shutdown();
    rmSync(dir, { recursive: true, force: true });
  }

  heading(`restart: @modelcontextprotocol/server-memory, ${TRIALS} trials`);
  row('cold start → running (median)', ms(median(cold)));
  row('  of which spawn → initialize answered', ms(median(handshake)));
  row('kill -9 → running again (median)', ms(median(recovery)));
  row('kill -9 → running again (p90)', ms(percentile(recovery, 90)));
  row('restart overhead over cold start (median)', ms(median(recovery) - median(cold)));
}
