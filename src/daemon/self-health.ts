/**
 * The daemon's own health: RSS, CPU and event-loop delay. Delay and CPU are per window (the last
 * complete one), so a slow moment an hour ago does not hide in a lifetime average.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DaemonHealth } from '../http/deps.js';
import { VERSION } from '../version.js';

const WINDOW_MS = 10_000;

export interface SelfHealth {
  read(): DaemonHealth;
  stop(): void;
}

export function createSelfHealth(): SelfHealth {
  const startedAt = Date.now();
  const histogram = monitorEventLoopDelay({ resolution: 50 });
  histogram.enable();
  let windowStart = { time: performance.now(), cpu: process.cpuUsage() };
  let last = { p50Ms: 0, p99Ms: 0, maxMs: 0, cpuPercent: 0 };

  const close = () => {
    const now = { time: performance.now(), cpu: process.cpuUsage() };
    const cpuMicros = now.cpu.user + now.cpu.system - windowStart.cpu.user - windowStart.cpu.system;
    const elapsedMs = now.time - windowStart.time;
    last = {
      p50Ms: histogram.percentile(50) / 1e6,
      p99Ms: histogram.percentile(99) / 1e6,
      maxMs: histogram.max / 1e6,
      cpuPercent: elapsedMs > 0 ? cpuMicros / 10 / elapsedMs : 0,
    };
    histogram.reset();
    windowStart = now;
  };
  const timer = setInterval(close, WINDOW_MS);
  timer.unref();

  return {
    read() {
      // Before the first window closes, the figures so far.
      if (last.maxMs === 0 && performance.now() - windowStart.time > 100) close();
      return {
        pid: process.pid,
        version: VERSION,
        startedAt: new Date(startedAt).toISOString(),
        uptimeMs: Date.now() - startedAt,
        rssBytes: process.memoryUsage.rss(),
        cpuPercent: round(last.cpuPercent),
        eventLoopDelay: { p50Ms: round(last.p50Ms), p99Ms: round(last.p99Ms), maxMs: round(last.maxMs) },
      };
    },
    stop() {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
