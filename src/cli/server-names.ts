/** The servers a verb names. A module of its own: `orch status` reads it before the full CLI loads (fast-path.ts). */

/** Positional names plus every `--server NAME` (cac gives one value or a list), each once, in order. */
export function serverNames(positional: string[], server: string | string[] | undefined): string[] {
  const flagged = server === undefined ? [] : Array.isArray(server) ? server : [server];
  return [...new Set([...positional, ...flagged.map(String)])];
}
