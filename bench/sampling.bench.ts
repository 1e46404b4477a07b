/**
 * Resource sampling: the time of one tick (process-tree scan plus pidusage, in the worker) for 1, 100
 * and 500 live processes, with the supervisor's event-loop delay meanwhile; then a daemon supervising
 * 100 idle servers (checks and sampling on): its CPU in the minute after start and in the next one,
 * and its RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createSamplerPool } from '../src/metrics/sampler-pool.js';
import { TABLE_MAX_AGE_MS } from '../src/os/proc-tree.js';
import { statFields } from '../src/os/proc.js';
import { treeUsage } from '../src/metrics/tree-usage.js';
import { benchFleet } from './fleet.js';
import { heading, median, ms, row } from './stats.js';

const TICKS = 30;
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 60_000);
/** 100 node servers just started are still compiling, and so is the daemon: the first minute is not the steady state. */
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 60_000);
const CLOCK_TICKS = 100;

async function tickTimes(count: number): Promise<void> {
  const children: ChildProcess[] = Array.from({ length: count }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  const pool = createSamplerPool();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    const roots = children.map((child) => child.pid!);
    await pool.run({ roots });
    let previous: Awaited<ReturnType<typeof pool.run>> | undefined;
    const measure = async (label: string) => {
      const times: number[] = [];
      delay.reset();
      delay.enable();
      for (let i = 0; i < TICKS; i += 1) {
        const began = performance.now();
        const result = await pool.run({ roots });
        result.trees.forEach((pids, index) => treeUsage(previous && { at: previous.at, pids: previous.trees[index]! }, { at: result.at, pids }));
        times.push(performance.now() - began);
        previous = result;
      }
      delay.disable();
      row(`${count} processes, ${label}: tick (median / max)`, `${ms(median(times))} / ${ms(Math.max(...times))}`);
      row(`${count} processes, ${label}: event-loop delay p99 meanwhile`, ms(delay.percentile(99) / 1e6));
    };
    // New trees: every tick scans /proc. Settled ones: the table is reused, rescanned every TABLE_MAX_AGE_MS.
    await measure('scanning /proc');
    // Once the trees are settled and the last scan is stale, one tick rescans; the ones after reuse it.
    await new Promise((resolve) => setTimeout(resolve, TABLE_MAX_AGE_MS));
    await pool.run({ roots });
    await measure('table reused');
  } finally {
    await pool.close();
    for (const child of children) child.kill('SIGKILL');
  }
}

function cpuSeconds(pid: number): number {
  const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8')) ?? [];
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** RSS, and the part of it that is the daemon's own: file pages of the node binary are shared with every node process. */
function memory(pid: number): { rss: number; anonymous: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), anonymous: kb('RssAnon') };
}

async function supervisorCost(servers: number): Promise<void> {
  const { config, orch, daemonPid, close } = benchFleet(servers);
  try {
    await orch('start', '--config', config);
    const pid = daemonPid();
    const watch = async (ms: number) => {
      const cpuBefore = cpuSeconds(pid);
      const samples: { rss: number; anonymous: number }[] = [];
      const began = performance.now();
      while (performance.now() - began < ms) {
        samples.push(memory(pid));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      return { cpuPercent: ((cpuSeconds(pid) - cpuBefore) / ((performance.now() - began) / 1_000)) * 100, samples };
    };
    const settling = await watch(SETTLE_MS);
    const { cpuPercent, samples } = await watch(WATCH_MS);
    const rss = samples.map((sample) => sample.rss);
    const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
    const health = JSON.parse((await orch('status', '--json')).stdout) as { servers: { state: string }[] };
    row(`daemon, ${servers} idle servers: running`, `${health.servers.filter((s) => s.state === 'running').length}/${servers}`);
    row(`daemon CPU, first ${SETTLE_MS / 1_000} s once running (% of one core)`, `${settling.cpuPercent.toFixed(2)} %`);
    row(`daemon CPU, the ${WATCH_MS / 1_000} s after (% of one core)`, `${cpuPercent.toFixed(2)} %`);
    row('daemon RSS (median / max)', `${mb(median(rss))} / ${mb(Math.max(...rss))}`);
    row('  of which its own (anonymous, median)', mb(median(samples.map((sample) => sample.anonymous))));
  } finally {
    await close();
  }
}

export async function benchSampling(): Promise<void> {
  heading('sampling: one tick in the worker (tree scan + pidusage + CPU deltas)');
  for (const count of [1, 100, 500]) await tickTimes(count);
  heading('sampling: the supervisor itself');
  await supervisorCost(100);
}
