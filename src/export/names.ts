/**
 * Kubernetes names for servers. A server may be called anything an MCP client accepts (`GitHub`,
 * `my server`, `github.com/owner/repo`); a Deployment and its Service need a DNS-1035 label: lowercase
 * letters, digits and `-`, a letter first, at most 63 characters. A name that had to change gets the
 * first hex digits of its SHA-256, so `My Server` and `my-server` stay two objects.
 */
import { createHash } from 'node:crypto';
import { OrchError } from '../errors.js';

const MAX_LABEL = 63;
const LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function shortHash(text: string, digits = 6): string {
  return createHash('sha256').update(text).digest('hex').slice(0, digits);
}

export function kubernetesName(name: string): string {
  if (LABEL.test(name) && name.length <= MAX_LABEL) return name;
  const suffix = `-${shortHash(name)}`;
  let base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(base)) base = `mcp-${base}`.replace(/-$/, '');
  return `${base.slice(0, MAX_LABEL - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** Server name → object name; refuses the (unlikely) case of a changed name landing on another server's own. */
export function kubernetesNames(names: readonly string[]): Map<string, string> {
  const byObject = new Map<string, string>();
  for (const name of names) {
    const object = kubernetesName(name);
    const other = byObject.get(object);
    if (other !== undefined) {
      throw new OrchError('CONFIG_INVALID', `servers "${other}" and "${name}" would both be named ${object} in Kubernetes: rename one`);
    }
    byObject.set(object, name);
  }
  return new Map([...byObject].map(([object, name]) => [name, object]));
}
