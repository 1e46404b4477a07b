/**
 * Which user actions each server state allows: the one table the supervisor, the API, the CLI and the
 * dashboard's buttons read, so no two of them disagree about what `restart` on a stopped server means.
 */
import type { ServerStateName } from './server.types.js';

export const SERVER_ACTIONS = ['start', 'stop', 'restart'] as const;
export type ServerAction = (typeof SERVER_ACTIONS)[number];

/** What each action does in each state is the server machine's; this says where it does anything. */
export const ALLOWED_ACTIONS: Readonly<Record<ServerStateName, readonly ServerAction[]>> = {
  stopped: ['start', 'restart'],
  starting: ['stop', 'restart'],
  running: ['stop', 'restart'],
  unhealthy: ['stop', 'restart'],
  // Start or restart now, without waiting out the delay.
  backoff: ['start', 'stop', 'restart'],
  // Either turns the stop into a restart.
  stopping: ['start', 'restart'],
  crashed: ['start', 'stop', 'restart'],
};

/** For readers' states too: a disabled server at rest is a stopped one; a remote one is not orch's to act on. */
export function allowedActions(state: ServerStateName | 'disabled' | 'remote'): readonly ServerAction[] {
  if (state === 'remote') return [];
  return ALLOWED_ACTIONS[state === 'disabled' ? 'stopped' : state];
}
