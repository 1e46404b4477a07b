/**
 * Environment variables for the daemon's process alone. glibc reads `MALLOC_ARENA_MAX` once, at
 * start: by default every thread that allocates gets an arena of its own (V8's helper threads,
 * libuv's pool, the sampler's worker), each keeping what it freed; they held 10–13 MB of an idle
 * 100-server daemon, and one shared arena holds 2–6 MB less. A variable the user set is left as it
 * is. The daemon takes out the ones it was given before it spawns anything, so no server inherits them.
 */
const DAEMON_ONLY: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/** Lists the variables the launcher added, so the daemon removes those and not a value the user chose. */
const ADDED = 'ORCH_DAEMON_ENV';

/** The daemon's own variables that `env` lacks, with the list of them, to add to the environment it is launched with. */
export function daemonOnlyVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  const added = Object.keys(DAEMON_ONLY).filter((name) => env[name] === undefined);
  if (added.length === 0) return {};
  return { ...Object.fromEntries(added.map((name) => [name, DAEMON_ONLY[name]!])), [ADDED]: added.join(',') };
}

/** Takes the variables `daemonOnlyVariables` added out of this process's environment; others, whatever the list says, stay. */
export function dropDaemonEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of env[ADDED]?.split(',') ?? []) if (Object.hasOwn(DAEMON_ONLY, name)) delete env[name];
  delete env[ADDED];
}
