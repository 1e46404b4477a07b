/**
 * The soak (`npm run bench -- soak`, not part of a bare `npm run bench`): a daemon with 100 idle
 * servers for `BENCH_MINUTES` (60 by default), its memory read every minute. The target is no drift:
 * RSS at the end within 3 MB of RSS at 10 minutes (at the middle, for a trial soak of 10 minutes or less).
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { benchFleet } from './fleet.js';
import { cpuSeconds, mb, memoryOf, sleep, versus, type Memory } from './proc-usage.js';
import { heading, row } from './stats.js';

const MINUTES = Number(process.env.BENCH_MINUTES ?? 60);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 100);
/** The target's 10 minutes; a shorter (trial) soak compares its end with its middle instead. */
const REFERENCE_MINUTE = MINUTES > 10 ? 10 : Math.max(1, Math.floor(MINUTES / 2));
const MB = 1024 ** 2;

export async function benchSoak(): Promise<void> {
  const fleet = benchFleet(SERVERS);
  try {
    await fleet.orch('start', '--config', fleet.config);
    const pid = fleet.daemonPid();
    const began = performance.now();
    const samples: (Memory & { minute: number; cpu: number })[] = [];
    for (let minute = 1; minute <= MINUTES; minute += 1) {
      await sleep(began + minute * 60_000 - performance.now());
      samples.push({ minute, cpu: cpuSeconds(pid), ...memoryOf(pid) });
      process.stderr.write(`soak: ${minute}/${MINUTES} min, daemon RSS ${mb(samples.at(-1)!.rss)}\n`);
    }
    const { stdout } = await fleet.orch('status', '--json');
    const running = (JSON.parse(stdout) as { servers: { state: string }[] }).servers.filter((s) => s.state === 'running').length;
    const reference = samples[REFERENCE_MINUTE - 1]!;
    const last = samples.at(-1)!;
    const drift = last.rss - reference.rss;
    const cpuPercent = last.minute > reference.minute ? ((last.cpu - reference.cpu) / ((last.minute - reference.minute) * 60)) * 100 : Number.NaN;

    heading(`soak: a daemon with ${SERVERS} idle servers for ${MINUTES} min`);
    row('servers running at the end', `${running}/${SERVERS}`);
    for (const sample of samples.filter((s) => s.minute % 10 === 0 || s === reference || s === last)) {
      row(`at ${String(sample.minute).padStart(2)} min: RSS / PSS / anonymous`, `${mb(sample.rss)} / ${mb(sample.pss)} / ${mb(sample.anonymous)}`);
    }
    row('daemon RSS max over the soak', mb(Math.max(...samples.map((s) => s.rss))));
    row(`RSS drift ${reference.minute} → ${last.minute} min (target ± 3 MB)`, versus(`${drift >= 0 ? '+' : ''}${mb(drift)}`, Math.abs(drift) <= 3 * MB));
    row(`CPU ${reference.minute} → ${last.minute} min (% of a core)`, Number.isNaN(cpuPercent) ? 'n/a' : `${cpuPercent.toFixed(2)} %`);
    row('cores, 1-min load average at the end', `${availableParallelism()} cores, ${loadavg()[0]!.toFixed(1)}`);
  } finally {
    await fleet.close();
  }
}
