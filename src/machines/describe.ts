/** Pure wording for transition reasons, shared by the machine and its readers. */
import { formatBytes } from '../format.js';

const EX_CONFIG = 78;
/** Linux numbers of the signals that commonly end a server; machines stay free of node:* imports. */
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE',
  9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM',
};

export function isConfigErrorExit(code: number | null): boolean {
  return code === EX_CONFIG;
}

export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  if (code === null) return 'exited';
  if (code === EX_CONFIG) return `exited with code ${EX_CONFIG} (EX_CONFIG, a configuration error)`;
  // Shells report death by signal N as exit code 128 + N.
  if (code > 128 && code < 160) {
    const name = SIGNAL_NAMES[code - 128];
    if (name) return `exited with code ${code} (${name})`;
  }
  return `exited with code ${code}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 3_600_000).toFixed(1)} h`;
}

/** Why a resource sample fails the server's check, or null when it is within the policy's limits. */
export function resourceProblem(
  limits: { cpuPercent: number; memoryBytes: number },
  sample: { cpuPercent: number; memoryBytes: number } | null,
): string | null {
  if (!sample) return null;
  if (sample.memoryBytes > limits.memoryBytes) {
    return `memory ${formatBytes(sample.memoryBytes)} over the ${formatBytes(limits.memoryBytes)} limit`;
  }
  if (sample.cpuPercent > limits.cpuPercent) {
    return `CPU ${Math.round(sample.cpuPercent)}% over the ${limits.cpuPercent}% limit`;
  }
  return null;
}
