/**
 * orch's own config as `orch import` and `orch link` read and extend it: its servers by name (both
 * sections), and the write that adds servers atomically, keeping a copy of the file it replaces.
 * `outcome` ends each error ("nothing imported", "nothing linked"): the verb stops before any change.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { JsonTextError, parseJsonc } from '../config/json.js';
import { writeFileAtomic } from '../daemon/atomic-file.js';
import { displayPath } from '../display-path.js';
import { fsReason, OrchError } from '../errors.js';
import { keepCopy } from './keep-copy.js';
import { addServers, type Candidate } from './merge.js';

/** The config's text (undefined when there is none yet) and its servers by name, both sections. */
export function readOrchConfig(path: string, outcome: string): { text: string | undefined; existing: Map<string, unknown> } {
  if (!existsSync(path)) return { text: undefined, existing: new Map() };
  let text: string;
  let data: unknown;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OrchError('CONFIG_UNREADABLE', `${displayPath(path)}: cannot read it (${fsReason(error)})`);
  }
  try {
    data = text.trim() === '' ? {} : parseJsonc(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new OrchError('CONFIG_SYNTAX', `${displayPath(path)}:${error.at.line}:${error.at.column}: ${error.message}; ${outcome}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new OrchError('CONFIG_INVALID', `${displayPath(path)}: expected an object at the top level; ${outcome}`);
  }
  const sections = ['mcpServers', 'servers'].map((key) => (data as Record<string, unknown>)[key]);
  const existing = new Map(sections.flatMap((s) => (typeof s === 'object' && s !== null ? Object.entries(s) : [])));
  return { text, existing };
}

/** Writes the merged config; returns the copy of the file it replaced, if there was one. */
export function writeOrchConfig(path: string, text: string | undefined, add: Candidate[], outcome: string): string | undefined {
  try {
    if (text === undefined) {
      writeFileAtomic(path, addServers('', add));
      return undefined;
    }
    const kept = keepCopy(path, 'orch-import');
    // The config keeps its mode (it may be shared read-only, or private for its secrets).
    writeFileAtomic(path, addServers(text, add), statSync(path).mode & 0o777);
    return kept;
  } catch (error) {
    throw new OrchError('CONFIG_UNREADABLE', `cannot write ${displayPath(path)}: ${fsReason(error)}; ${outcome}`);
  }
}
