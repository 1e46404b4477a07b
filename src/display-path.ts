/**
 * A path as a person writes it: `~/…` under the home folder. A module of its own so the light verbs
 * (`orch status`) print a path without loading the config loader and its schema.
 */
import { homedir } from 'node:os';

export function displayPath(path: string): string {
  const home = homedir();
  return path.startsWith(home + '/') ? `~${path.slice(home.length)}` : path;
}
