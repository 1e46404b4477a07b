/**
 * The config's references to servers: `orchestrator.groups`, each server's `dependsOn` and each webhook's `servers`.
 * Checked once the servers are known, so a typo, a remote server (which orch never starts) or a cycle
 * is a config error naming its JSON path instead of a server that waits forever.
 *
 * A group may share a server's name: `@dev` names the group, `dev` the server. It may not be spelt
 * like a server whose own name starts with `@`, since `@dev` would then name both.
 */

export interface Problem {
  path: (string | number)[];
  message: string;
}

export interface Group {
  name: string;
  members: string[];
}

export interface Relations {
  /** Every server in the file, local and remote, in config order. */
  names: string[];
  remote: ReadonlySet<string>;
  groups: ReadonlyMap<string, string[]>;
  /** Each server's `dependsOn`, as written. */
  dependsOn: ReadonlyMap<string, string[]>;
  /** Each `orchestrator.webhooks` entry's `servers`, as written (undefined: every server). */
  webhookServers?: readonly (string[] | undefined)[];
}

/** The problems in config order, the empty list when there are none. */
export function relationProblems(relations: Relations): Problem[] {
  const problems = [...groupProblems(relations), ...dependsOnProblems(relations), ...webhookProblems(relations)];
  // A cycle through an unknown name is not worth reporting: the name is the mistake.
  if (problems.length > 0) return problems;
  const cycle = findCycle(relations);
  return cycle ? [{ path: ['orchestrator', 'servers', cycle[0]!, 'dependsOn'], message: `cycle ${cycle.join(' → ')}` }] : [];
}

function groupProblems({ names, groups, remote }: Relations): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(names);
  for (const [group, members] of groups) {
    const path = ['orchestrator', 'groups', group];
    if (known.has(`@${group}`)) {
      problems.push({ path, message: `"@${group}" would name both this group and the server "@${group}"; rename one` });
    }
    problems.push(...memberProblems(path, members, names, remote));
  }
  return problems;
}

function dependsOnProblems({ names, dependsOn, remote }: Relations): Problem[] {
  const problems: Problem[] = [];
  for (const [server, needs] of dependsOn) {
    const path = ['orchestrator', 'servers', server, 'dependsOn'];
    if (remote.has(server)) {
      problems.push({ path, message: `"${server}" is a remote server, which orch does not start` });
      continue;
    }
    problems.push(...memberProblems(path, needs, names, remote));
  }
  return problems;
}

/** A remote server never changes state, so a hook waiting for its transitions would wait forever. */
function webhookProblems({ names, webhookServers = [], remote }: Relations): Problem[] {
  return webhookServers.flatMap((servers, index) =>
    servers ? memberProblems(['orchestrator', 'webhooks', index, 'servers'], servers, names, remote) : [],
  );
}

/** Each entry of a list of server names: known, local, and listed once. */
function memberProblems(path: (string | number)[], list: string[], names: string[], remote: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  list.forEach((name, index) => {
    const at = [...path, index];
    if (!names.includes(name)) {
      problems.push({ path: at, message: `no server is named "${name}" (known: ${names.join(', ') || 'none'})` });
    } else if (remote.has(name)) {
      problems.push({ path: at, message: `"${name}" is a remote server, which orch does not start` });
    } else if (list.indexOf(name) !== index) {
      problems.push({ path: at, message: `"${name}" is listed twice` });
    }
  });
  return problems;
}

/** The first dependency cycle met walking the servers in config order, as `[a, b, a]`. */
function findCycle({ names, dependsOn }: Relations): string[] | undefined {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const onStack = stack.indexOf(name);
    if (onStack !== -1) return [...stack.slice(onStack), name];
    if (done.has(name)) return undefined;
    stack.push(name);
    for (const next of dependsOn.get(name) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    done.add(name);
    return undefined;
  };
  for (const name of names) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}
