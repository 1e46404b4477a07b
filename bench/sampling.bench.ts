/**
 * Resource sampling: the time of one tick (process-tree scan plus pidusage, in the worker) for 1, 100
 * and 500 live processes, with the supervisor's event-loop delay meanwhile; then a daemon supervising
 * 100 idle servers (checks and sampling on), its RSS and CPU over 60 s.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createSamplerPool } from '../src/actors/sampler.actor.js';
import { treeUsage } from '../src/actors/tree-usage.js';
import { heading, median, ms, percentile, row } from './stats.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/orch.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/mcp-server.mjs', import.meta.url));
const TICKS = 30;
const WATCH_MS = Number(process.env.BENCH_WATCH_MS ?? 60_000);
const CLOCK_TICKS = 100;

async function tickTimes(count: number): Promise<void> {
  const children: ChildProcess[] = Array.from({ length: count }, () => spawn('sleep', ['600'], { stdio: 'ignore' }));
  const pool = createSamplerPool();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  try {
    const roots = children.map((child) => child.pid!);
    await pool.run({ roots });
    let previous: Awaited<ReturnType<typeof pool.run>> | undefined;
    const times: number[] = [];
    delay.enable();
    for (let i = 0; i < TICKS; i += 1) {
      const began = performance.now();
      const result = await pool.run({ roots });
      result.trees.forEach((pids, index) => treeUsage(previous && { at: previous.at, pids: previous.trees[index]! }, { at: result.at, pids }));
      times.push(performance.now() - began);
      previous = result;
    }
    delay.disable();
    row(`${count} processes: tick (median / p99)`, `${ms(median(times))} / ${ms(percentile(times, 99))}`);
    row(`${count} processes: event-loop delay p99 meanwhile`, ms(delay.percentile(99) / 1e6));
  } finally {
    await pool.close();
    for (const child of children) child.kill('SIGKILL');
  }
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

async function supervisorCost(servers: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-sampling-'));
  const env = { ...process.env, ORCH_HOME: join(dir, 'home'), ORCH_PORT: '0' };
  const config = join(dir, 'mcp.json');
  const mcpServers = Object.fromEntries(
    Array.from({ length: servers }, (_, i) => [`idle-${i}`, { command: process.execPath, args: [FIXTURE] }]),
  );
  writeFileSync(config, JSON.stringify({ mcpServers, orchestrator: { defaults: { start: { timeoutMs: 120_000 } } } }));
  const orch = (...args: string[]) => run(process.execPath, [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  try {
    await orch('start', '--config', config);
    const { pid } = JSON.parse(readFileSync(join(env.ORCH_HOME, 'daemon.json'), 'utf8')) as { pid: number };
    // Let start-up settle (first checks, first samples) before watching.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const cpuBefore = cpuSeconds(pid);
    const rss: number[] = [];
    const began = performance.now();
    while (performance.now() - began < WATCH_MS) {
      rss.push(rssBytes(pid));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const cpuPercent = ((cpuSeconds(pid) - cpuBefore) / ((performance.now() - began) / 1_000)) * 100;
    const health = JSON.parse((await orch('status', '--json')).stdout) as { servers: { state: string }[] };
    row(`daemon, ${servers} idle servers: running`, `${health.servers.filter((s) => s.state === 'running').length}/${servers}`);
    row(`daemon CPU over ${WATCH_MS / 1_000} s (% of one core)`, `${cpuPercent.toFixed(2)} %`);
    row('daemon RSS (median / max)', `${(median(rss) / 1024 ** 2).toFixed(1)} MB / ${(Math.max(...rss) / 1024 ** 2).toFixed(1)} MB`);
  } finally {
    await orch('shutdown').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchSampling(): Promise<void> {
  heading('sampling: one tick in the worker (tree scan + pidusage + CPU deltas)');
  for (const count of [1, 100, 500]) await tickTimes(count);
  heading('sampling: the supervisor itself');
  await supervisorCost(100);
}
