/**
 * Where each server entry of a client file sits in its text, and the edit that gives one entry a new
 * value: what `orch link` needs beyond readers.ts, which only reads values. JSON files are edited with
 * jsonc-parser's `modify`/`applyEdits` in the file's own indentation and line ends, so comments,
 * trailing commas and unrelated keys survive; Codex's TOML is edited table by table (toml-entries.ts).
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type FormattingOptions } from 'jsonc-parser';
import { parseJsonc } from '../config/json.js';
import type { FileLayout } from './locations.js';

export interface EntrySpot {
  name: string;
  /** Claude Code's per-project entries: the project folder. */
  project?: string;
  /** The keys that lead to the entry: `['mcpServers', 'memory']`. */
  path: string[];
  value: unknown;
  /** The entry's text is `text.slice(start, end)`. */
  start: number;
  end: number;
  /** Why orch cannot edit this entry in place (then `start` and `end` are -1). */
  locked?: string;
}

export interface EntryFormat {
  /** The whole document; throws when the file is not valid in its format. */
  parse(text: string): unknown;
  entries(text: string): EntrySpot[];
  /** The text with the entry at `spot` holding `value` instead. */
  replace(text: string, spot: EntrySpot, value: Record<string, unknown>): string;
  /** The value an entry's own text (as `entries` cut it out) stands for. */
  valueOf(entryText: string, spot: EntrySpot): unknown;
}

const BOM = '\uFEFF';

export function jsonFormat(layout: Exclude<FileLayout, 'codex-toml'>): EntryFormat {
  return {
    parse: parseJsonc,
    entries(text) {
      const data = parseJsonc(text);
      const skip = text.startsWith(BOM) ? BOM.length : 0;
      const root = parseTree(text.slice(skip), [], { allowTrailingComma: true });
      if (!root) return [];
      return tablesOf(layout, data).flatMap(({ path, project }) => {
        const table = findNodeAtLocation(root, path);
        if (table?.type !== 'object') return [];
        return (table.children ?? []).flatMap((property) => {
          const [key, value] = property.children ?? [];
          if (!key || !value) return [];
          const name = key.value as string;
          const start = skip + value.offset;
          return [{ name, ...(project !== undefined && { project }), path: [...path, name], value: valueAt(data, [...path, name]), start, end: start + value.length }];
        });
      });
    },
    replace(text, spot, value) {
      const skip = text.startsWith(BOM) ? BOM : '';
      const body = text.slice(skip.length);
      return skip + applyEdits(body, modify(body, spot.path, value, { formattingOptions: formattingOf(body) }));
    },
    valueOf: (entryText) => parseJsonc(entryText),
  };
}

/** The objects holding servers, by layout: Claude Code's user file has one per project as well. */
function tablesOf(layout: Exclude<FileLayout, 'codex-toml'>, data: unknown): { path: string[]; project?: string }[] {
  if (layout === 'servers') return [{ path: ['servers'] }];
  if (layout === 'mcpServers') return [{ path: ['mcpServers'] }];
  const projects = valueAt(data, ['projects']);
  const folders = typeof projects === 'object' && projects !== null ? Object.keys(projects) : [];
  return [{ path: ['mcpServers'] }, ...folders.map((project) => ({ path: ['projects', project, 'mcpServers'], project }))];
}

/** The file's own style: tabs or the narrowest space indent, and its line end. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (/^\t+\S/m.test(text)) return { insertSpaces: false, tabSize: 1, eol };
  const narrowest = [...text.matchAll(/^( +)\S/gm)].reduce((least, match) => Math.min(least, match[1]!.length), Infinity);
  return { insertSpaces: true, tabSize: Number.isFinite(narrowest) ? narrowest : 2, eol };
}

export function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
