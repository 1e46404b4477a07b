/**
 * A server that writes 1 GB to stderr: the daemon's RSS before, at its peak and after, how long the
 * flood took to be read (the server is never blocked for long by orch), and how much of it reached
 * the log files or was counted as dropped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { residentBytes } from '../src/os/proc.js';
import { benchFleet } from './fleet.js';
import { heading, ms, row } from './stats.js';

const BYTES = Number(process.env.BENCH_FLOOD_BYTES ?? 1024 ** 3);
const MB = 1024 * 1024;

const rssOf = (pid: number) => residentBytes(pid) ?? 0;

export async function benchFlood(): Promise<void> {
  const { config, orch, close, daemonPid, home } = benchFleet(1, [`--stderr-flood=${BYTES}`, '--flood-delay=8000']);
  try {
    await orch('start', '--config', config);
    const pid = daemonPid();
    // Settled: the daemon started, the server answered, the first samples ran; the flood starts at 8 s.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const before = rssOf(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    // From the in-memory tail, which keeps every line, whatever the disk could take.
    let flood: RegExpExecArray | null = null;
    while (!flood) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      flood = /fixture: flood of \d+ bytes done in (\d+) ms/.exec((await orch('logs', 'server-000', '-n', '20')).stdout);
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const soonAfter = rssOf(pid);
    // V8's memory reducer gives the young generation's pages back a few seconds after the churn ends.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    clearInterval(sampler);
    const after = rssOf(pid);
    const files = readdirSync(join(home, 'logs')).filter((name) => name.startsWith('server-000.log'));
    const text = files.map((name) => readFileSync(join(home, 'logs', name), 'utf8')).join('');
    const dropped = [...text.matchAll(/([\d,]+) lines dropped: log writer behind/g)].reduce((sum, m) => sum + Number(m[1]!.replaceAll(',', '')), 0);

    heading(`flood: ${BYTES / MB} MB of stderr from one server`);
    row('daemon RSS before', `${(before / MB).toFixed(1)} MB`);
    row('daemon RSS peak during', `${(peak / MB).toFixed(1)} MB (+${((peak - before) / MB).toFixed(1)} MB)`);
    row('daemon RSS 5 s after', `${(soonAfter / MB).toFixed(1)} MB (+${((soonAfter - before) / MB).toFixed(1)} MB)`);
    row('daemon RSS 15 s after', `${(after / MB).toFixed(1)} MB (+${((after - before) / MB).toFixed(1)} MB)`);
    row('flood written by the server in', ms(Number(flood[1])));
    row('log files kept', `${files.length} (${(text.length / MB).toFixed(1)} MB)`);
    row('lines dropped and counted', dropped.toLocaleString('en-US'));
  } finally {
    await close();
  }
}
