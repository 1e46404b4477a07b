/** One terminal line per transition: `memory  running → unhealthy  ping timed out after 5000 ms (1/3)`. */
import type { ConsolaInstance } from 'consola';
import { colors } from 'consola/utils';
import type { ServerStateName } from '../machines/server.types.js';
import type { Transition } from '../transitions.js';

const STATE_COLOR: Record<ServerStateName, (text: string) => string> = {
  stopped: colors.gray,
  starting: colors.cyan,
  running: colors.green,
  unhealthy: colors.yellow,
  backoff: colors.yellow,
  stopping: colors.cyan,
  crashed: colors.red,
};

const LEVEL: Record<ServerStateName, 'info' | 'success' | 'warn' | 'error'> = {
  stopped: 'info',
  starting: 'info',
  running: 'success',
  unhealthy: 'warn',
  backoff: 'warn',
  stopping: 'info',
  crashed: 'error',
};

export function formatTransition(transition: Transition, nameWidth = 0): string {
  const { server, from, to, reason } = transition;
  return `${colors.bold(server.padEnd(nameWidth))}  ${STATE_COLOR[from](from)} → ${STATE_COLOR[to](to)}  ${reason}`;
}

export function logTransition(logger: ConsolaInstance, transition: Transition, nameWidth = 0): void {
  // No badge: consola boxes warnings and errors, and a transition log reads best one line each.
  logger[LEVEL[transition.to]]({ message: formatTransition(transition, nameWidth), badge: false });
}
