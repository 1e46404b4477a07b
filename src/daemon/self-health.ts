/**
 * The daemon's own health: RSS, CPU and event-loop delay. Delay and CPU are per window (the last
 * complete one), so a slow moment an hour ago does not hide in a lifetime average.
 *
 * `monitorEventLoopDelay` records the time between the firings of its own `resolution` timer, not how
 * late they were: on Node 20 an idle loop reads p50 ≈ 50.2 ms at resolution 50. The delay is that
 * interval less the resolution (clamped at 0, as a timer can fire a hair early): idle reads ~0.2 ms.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DaemonHealth } from '../http/deps.js';

export type ProcessHealth = Omit<DaemonHealth, 'config' | 'storage'>;
import { VERSION } from '../version.js';

const WINDOW_MS = 10_000;
const RESOLUTION_MS = 50;

export interface SelfHealth {
  /** The daemon adds what it knows beyond its own process: the config file, the storage problems. */
  read(): ProcessHealth;
  stop(): void;
}

interface WindowFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuPercent: number;
}

export function createSelfHealth(): SelfHealth {
  const startedAt = Date.now();
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const delayMs = (nanoseconds: number) => Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS);
  let windowStart = { time: performance.now(), cpu: process.cpuUsage() };
  let last: WindowFigures | undefined;

  const close = () => {
    const now = { time: performance.now(), cpu: process.cpuUsage() };
    const cpuMicros = now.cpu.user + now.cpu.system - windowStart.cpu.user - windowStart.cpu.system;
    const elapsedMs = now.time - windowStart.time;
    last = {
      p50Ms: delayMs(histogram.percentile(50)),
      p99Ms: delayMs(histogram.percentile(99)),
      maxMs: delayMs(histogram.max),
      cpuPercent: elapsedMs > 0 ? cpuMicros / 10 / elapsedMs : 0,
    };
    histogram.reset();
    windowStart = now;
  };
  const timer = setInterval(close, WINDOW_MS);
  timer.unref();

  return {
    read() {
      // Before the first window closes, the figures so far (once there are some).
      if (!last && performance.now() - windowStart.time > 100) close();
      const shown = last ?? { p50Ms: 0, p99Ms: 0, maxMs: 0, cpuPercent: 0 };
      return {
        pid: process.pid,
        version: VERSION,
        startedAt: new Date(startedAt).toISOString(),
        uptimeMs: Date.now() - startedAt,
        rssBytes: process.memoryUsage.rss(),
        cpuPercent: round(shown.cpuPercent),
        eventLoopDelay: { p50Ms: round(shown.p50Ms), p99Ms: round(shown.p99Ms), maxMs: round(shown.maxMs) },
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
