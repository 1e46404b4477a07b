/**
 * Pure rules the supervisor applies to its members: what a command's names mean (names, `@group`,
 * all), the order dependencies impose, and what a new config changes. The supervisor machine acts on
 * them; the composition root calls the same functions to tell the user what was done.
 */
import type { Policy } from '../config/policy.js';
import type { ServerSpec } from './server.types.js';
import type { ServerAction } from './actions.js';

export interface SupervisedServer {
  spec: ServerSpec;
  policy: Policy;
  disabled: boolean;
  /** Servers that must be `running` before this one starts; stopped after it. */
  dependsOn: string[];
  /** Why it cannot run at all (a client variable with no value): not started even when named. */
  unavailable?: string;
  /**
   * A per-session member: the process of one client session of this server, added and removed by
   * the gateway, never by the config or a command.
   */
  sessionOf?: string;
}

/** Runs one process per client session (`gateway.sharing: per-session`): its own member never starts. */
export function perSession(server: Pick<SupervisedServer, 'policy'>): boolean {
  return server.policy.gateway.sharing === 'per-session';
}

export interface ServerGroup {
  name: string;
  members: string[];
}

export interface Targets {
  /** The servers the command is for, in config order. */
  names: string[];
  /** What those depend on, started first if they are not running (for a start or restart). */
  alsoStart: string[];
  /** Names or groups nobody knows. */
  unknown: string[];
  /** What the user should know about how the request was read. */
  notes: string[];
}

/** What `all` means where names go: every server, unless a server has that very name (then it means that one). */
export const ALL = 'all';

/**
 * Names and `@group`s, or nothing (or `all`) for every server. A bulk start or restart (nothing, `all`
 * or a group) never touches a disabled server; naming one does, with a note. Starting a server starts
 * what it depends on.
 */
export function resolveTargets(
  servers: readonly SupervisedServer[],
  groups: readonly ServerGroup[],
  action: ServerAction,
  requested: readonly string[] | undefined,
): Targets {
  const byName = new Map(servers.map((server) => [server.spec.name, server]));
  const wanted = new Set<string>();
  const unknown: string[] = [];
  const notes: string[] = [];
  const bulk = (name: string, how: string) => {
    if (action !== 'stop' && byName.get(name)?.disabled) notes.push(`${name} is disabled in the config; not ${action}ed ${how}`);
    else if (action !== 'stop' && perSession(byName.get(name)!)) notes.push(`${name} runs one process per client session: not ${action}ed ${how}`);
    else wanted.add(name);
  };
  const everyServer = () => {
    for (const server of servers) bulk(server.spec.name, `with every server`);
  };
  if (!requested || requested.length === 0) everyServer();
  for (const item of new Set(requested)) {
    if (item === ALL && !byName.has(ALL)) {
      everyServer();
      continue;
    }
    const group = item.startsWith('@') && !byName.has(item) ? groups.find((g) => g.name === item.slice(1)) : undefined;
    if (group) {
      for (const name of group.members) if (byName.has(name)) bulk(name, `with ${item}`);
    } else if (byName.has(item)) {
      if (action !== 'stop' && perSession(byName.get(item)!)) {
        notes.push(`${item} runs one process per client session (gateway.sharing): each starts when a client connects to /mcp/${item}`);
        continue;
      }
      const unavailable = byName.get(item)!.unavailable;
      if (action !== 'stop' && unavailable) {
        notes.push(`${item} is not started: ${unavailable}`);
        continue;
      }
      wanted.add(item);
      if (action !== 'stop' && byName.get(item)!.disabled) notes.push(`${item} is disabled in the config; started because you named it`);
    } else {
      unknown.push(item);
    }
  }
  const alsoStart = new Set<string>();
  if (action !== 'stop') {
    for (const name of dependencyClosure(byName, [...wanted])) {
      if (wanted.has(name)) continue;
      if (byName.get(name)!.disabled) {
        notes.push(`${name} is disabled in the config: what depends on it waits until you start it`);
        continue;
      }
      alsoStart.add(name);
      const dependents = servers.filter((s) => s.dependsOn.includes(name) && (wanted.has(s.spec.name) || alsoStart.has(s.spec.name)));
      notes.push(`${name} is started first: ${dependents.map((s) => s.spec.name).join(', ')} depend${dependents.length === 1 ? 's' : ''} on it`);
    }
  }
  const ordered = (set: Set<string>) => servers.map((s) => s.spec.name).filter((name) => set.has(name));
  return { names: ordered(wanted), alsoStart: ordered(alsoStart), unknown, notes };
}

function dependencyClosure(byName: Map<string, SupervisedServer>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const rootSet = new Set(roots);
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    // A disabled dependency is not started for others, so neither is what it would need.
    if (byName.get(name)?.disabled && !rootSet.has(name)) continue;
    for (const dependency of byName.get(name)?.dependsOn ?? []) if (byName.has(dependency)) stack.push(dependency);
  }
  return seen;
}

/** The longest chain of dependencies: shutdown goes through it one link at a time. */
export function dependencyDepth(servers: readonly SupervisedServer[]): number {
  const byName = new Map(servers.map((server) => [server.spec.name, server]));
  const depth = new Map<string, number>();
  const visit = (name: string, path: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) return 0;
    path.add(name);
    const deps = (byName.get(name)?.dependsOn ?? []).filter((d) => byName.has(d));
    const value = 1 + Math.max(0, ...deps.map((d) => visit(d, path)));
    path.delete(name);
    depth.set(name, value);
    return value;
  };
  return Math.max(0, ...servers.map((server) => visit(server.spec.name, new Set())));
}

export type MemberChange =
  | { kind: 'added'; server: SupervisedServer }
  | { kind: 'removed'; name: string }
  /** Command, args, env or cwd changed: a new process is needed. */
  | { kind: 'replaced'; server: SupervisedServer; detail: string }
  /** Policy, dependencies or `disabled` only: the running process stays. */
  | { kind: 'updated'; server: SupervisedServer; detail: string };

/** What turning `current` into `next` takes, server by server; untouched servers are not listed. */
export function planReconfigure(current: readonly SupervisedServer[], next: readonly SupervisedServer[]): MemberChange[] {
  const before = new Map(current.map((server) => [server.spec.name, server]));
  const after = new Set(next.map((server) => server.spec.name));
  const changes: MemberChange[] = [];
  for (const server of next) {
    const old = before.get(server.spec.name);
    if (!old) {
      changes.push({ kind: 'added', server });
      continue;
    }
    const specChanges = (['command', 'args', 'env', 'cwd'] as const).filter(
      (key) => JSON.stringify(old.spec[key]) !== JSON.stringify(server.spec[key]),
    );
    if (specChanges.length > 0) {
      changes.push({ kind: 'replaced', server, detail: `${specChanges.join(', ')} changed` });
      continue;
    }
    const other = [
      JSON.stringify(old.policy) !== JSON.stringify(server.policy) && 'policy',
      JSON.stringify(old.dependsOn) !== JSON.stringify(server.dependsOn) && 'dependsOn',
      old.disabled !== server.disabled && (server.disabled ? 'disabled' : 'enabled'),
      old.unavailable !== server.unavailable && (server.unavailable ? 'an input has no value' : 'its inputs have values'),
    ].filter((item): item is string => typeof item === 'string');
    if (other.length > 0) changes.push({ kind: 'updated', server, detail: other.join(', ') });
  }
  for (const server of current) {
    if (!after.has(server.spec.name)) changes.push({ kind: 'removed', name: server.spec.name });
  }
  return changes;
}

/** One server's line in what a reload did, as the daemon logs it and `orch reload` prints it. */
export interface ReloadChange {
  server: string;
  change: 'added' | 'removed' | 'restarted' | 'updated' | 'started' | 'stopped';
  detail?: string;
}

/** How a change is marked in the daemon's log and `orch reload`: + now runs, - no longer runs, ~ changed in place. */
export const CHANGE_MARK: Readonly<Record<ReloadChange['change'], string>> = {
  added: '+',
  removed: '-',
  restarted: '~',
  updated: '~',
  started: '+',
  stopped: '-',
};
