/**
 * `orch import`'s plan and edit: which client servers orch's config gains, which clash with a server of
 * the same name (kept as it is), which are already there; then the edit into `mcpServers` that keeps
 * the file's comments and formatting (jsonc-parser's `modify`).
 */
import { applyEdits, modify } from 'jsonc-parser';
import { nameProblem } from '../config/server-name.js';
import type { ClientId } from './locations.js';
import type { ServerEntry } from './readers.js';

export interface Candidate {
  name: string;
  client: ClientId;
  path: string;
  entry: ServerEntry;
}

export interface Clash {
  candidate: Candidate;
  /** Where the server of that name already is: orch's config, or an earlier candidate in this import. */
  against: string;
}

export interface ImportPlan {
  add: Candidate[];
  clash: Clash[];
  same: Candidate[];
  /** A name orch cannot use, with why. */
  invalid: { candidate: Candidate; reason: string }[];
}

/** `existing`: orch's servers by name (its `mcpServers` and `servers`), `where` names the config file. */
export function planImport(existing: ReadonlyMap<string, unknown>, candidates: Candidate[], where: string): ImportPlan {
  const plan: ImportPlan = { add: [], clash: [], same: [], invalid: [] };
  const taken = new Map<string, { key: string; where: string }>([...existing].map(([name, entry]) => [name, { key: identity(entry), where }]));
  for (const candidate of candidates) {
    const reason = nameProblem(candidate.name);
    if (reason) {
      plan.invalid.push({ candidate, reason });
      continue;
    }
    const key = identity(candidate.entry);
    const other = taken.get(candidate.name);
    if (!other) {
      plan.add.push(candidate);
      taken.set(candidate.name, { key, where: `${candidate.client} (${candidate.path})` });
    } else if (other.key === key) {
      plan.same.push(candidate);
    } else {
      plan.clash.push({ candidate, against: other.where });
    }
  }
  return plan;
}

/** The config text with each added server under `mcpServers`; `text` may be empty (a new file). */
export function addServers(text: string, add: Candidate[]): string {
  let result = text.trim() === '' ? '{}\n' : text;
  const formattingOptions = { insertSpaces: !/^\t/m.test(result), tabSize: 2, eol: result.includes('\r\n') ? '\r\n' : '\n' };
  for (const { name, entry } of add) {
    result = applyEdits(result, modify(result, ['mcpServers', name], entry, { formattingOptions }));
  }
  return result;
}

/** What makes two entries the same server: command, args, env and url (type, cwd and headers aside). */
function identity(entry: unknown): string {
  const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const env = typeof e.env === 'object' && e.env !== null ? Object.entries(e.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
  return JSON.stringify([e.command ?? null, e.args ?? [], env, e.url ?? null]);
}
