/** Human figures, the same everywhere orch shows them: transition reasons, the CLI, the dashboard. No node imports. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${+(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${+(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function formatLatency(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function formatPercent(value: number): string {
  return `${value.toFixed(1)}%`;
}

/** Calls per minute: a decimal under 10, so a tool called every few minutes reads 0.4, not 0. */
export function formatRate(perMinute: number): string {
  return perMinute < 10 ? String(+perMinute.toFixed(1)) : String(Math.round(perMinute));
}

/** Compact, for a column: 59s, 1m01s, 2h05m, 1d1h. */
export function formatUptime(ms: number): string {
  const s = Math.floor(ms / 1_000);
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3_600)}h`;
}

/** `–` for a figure not known (yet): no process, or no sample so far. */
export function orDash<T>(value: T | null | undefined, format: (value: T) => string): string {
  return value === null || value === undefined ? '–' : format(value);
}
