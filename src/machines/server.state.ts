/** Reads the public state name (the seven of ARCHITECTURE.md) out of a server machine snapshot. */
import type { SnapshotFrom } from 'xstate';
import type { serverMachine } from './server.machine.js';
import type { ServerStateName } from './server.types.js';

export type ServerSnapshot = SnapshotFrom<typeof serverMachine>;

const ACTIVE_STATES = ['starting', 'running', 'unhealthy', 'stopping'] as const;

export function serverStateName(snapshot: Pick<ServerSnapshot, 'value'>): ServerStateName {
  const { value } = snapshot;
  if (typeof value === 'string') return value === 'failing' ? 'backoff' : (value as ServerStateName);
  const active = (value as { active: string | Record<string, unknown> }).active;
  const name = typeof active === 'string' ? active : Object.keys(active)[0];
  return ACTIVE_STATES.find((state) => state === name) ?? 'starting';
}
