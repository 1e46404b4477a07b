/**
 * A daemon supervising 100 servers: the wall time of `orch status --json` through the compiled bin
 * (as a user runs it), and the latency of `GET /api/servers` as orch's own HTTP client sees it.
 */
import { performance } from 'node:perf_hooks';
import { connectDaemon } from '../src/cli/client.js';
import { resolveHome } from '../src/home.js';
import { benchFleet } from './fleet.js';
import { heading, median, ms, percentile, row } from './stats.js';

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);

export async function benchDaemon(): Promise<void> {
  const { env, config, orch, close } = benchFleet(SERVERS);
  try {
    const began = performance.now();
    await orch('start', '--config', config);
    const startAll = performance.now() - began;
    const { stdout } = await orch('status', '--json');
    const running = (JSON.parse(stdout) as { servers: { state: string }[] }).servers.filter((s) => s.state === 'running').length;
    // Steady state: 100 node processes just started are still compiling and the first samples run.
    await new Promise((resolve) => setTimeout(resolve, 10_000));

    const statusTimes: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const t = performance.now();
      await orch('status', '--json');
      statusTimes.push(performance.now() - t);
    }

    // orch's own client (node:http, keep-alive, JSON parsed): fetch would add undici's overhead to the tail.
    const client = connectDaemon(resolveHome(env));
    const latencies: number[] = [];
    for (let i = 0; i < 3_200; i += 1) {
      const t = performance.now();
      await client.request('GET', '/api/servers');
      if (i >= 200) latencies.push(performance.now() - t);
    }

    heading(`daemon: ${SERVERS} servers`);
    row('orch start (launch + all running)', `${ms(startAll)} (${running}/${SERVERS} running)`);
    row('orch status --json wall time (median)', ms(median(statusTimes)));
    row('orch status --json wall time (p90)', ms(percentile(statusTimes, 90)));
    row('GET /api/servers latency p50', ms(percentile(latencies, 50)));
    row('GET /api/servers latency p99', ms(percentile(latencies, 99)));
  } finally {
    await close();
  }
}
