/**
 * Codex's `config.toml`: each server is a `[mcp_servers.NAME]` table (with its own subtables, such as
 * `[mcp_servers.NAME.env]`). Re-serializing the file would lose its comments and layout, so an entry
 * is edited as text: its block runs from its header to the last line before the next table that is
 * not its own, without the blank and comment lines that lead into that next table.
 */
import { parse as parseToml, stringify } from 'smol-toml';
import { valueAt, type EntryFormat, type EntrySpot } from './entries.js';

interface Line {
  start: number;
  /** Past the line end. */
  end: number;
  /** Not blank, not only a comment (a line inside a multi-line string always counts). */
  content: boolean;
  /** A table header's key (`undefined` for one this reader cannot split); absent on other lines. */
  header?: { key: string[] | undefined };
}

export const tomlFormat: EntryFormat = {
  parse: (text) => parseToml(text),
  entries(text) {
    const data = parseToml(text);
    const servers = valueAt(data, ['mcp_servers']);
    if (typeof servers !== 'object' || servers === null || Array.isArray(servers)) return [];
    const lines = linesOf(text);
    return Object.keys(servers).map((name): EntrySpot => {
      const spot = { name, path: ['mcp_servers', name], value: valueAt(data, ['mcp_servers', name]) };
      const block = blockOf(lines, name);
      if (typeof block === 'string') return { ...spot, start: -1, end: -1, locked: block };
      return { ...spot, ...block };
    });
  },
  replace(text, spot, value) {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    let block = stringify({ mcp_servers: { [spot.name]: value } }).replaceAll('\n', eol);
    // The file's last table may end without a line end: so does its replacement.
    if (!text.slice(spot.start, spot.end).endsWith('\n')) block = block.replace(/\r?\n$/, '');
    return text.slice(0, spot.start) + block + text.slice(spot.end);
  },
  valueOf: (entryText, spot) => valueAt(parseToml(entryText), spot.path),
};

/** The server's block, or why it has none orch can edit. */
function blockOf(lines: Line[], name: string): { start: number; end: number } | string {
  const owns = (key: string[] | undefined) => key !== undefined && key[0] === 'mcp_servers' && key[1] === name;
  const first = lines.findIndex((line) => owns(line.header?.key) && line.header!.key!.length === 2);
  if (first === -1) return 'not written as a [mcp_servers.NAME] table: left as is';
  let last = first;
  let next = first + 1;
  for (; next < lines.length && !(lines[next]!.header && !owns(lines[next]!.header!.key)); next += 1) {
    if (lines[next]!.content) last = next;
  }
  if (lines.slice(next).some((line) => owns(line.header?.key))) return 'its tables are spread over the file: left as is';
  return { start: lines[first]!.start, end: lines[last]!.end };
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let open: string | undefined;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline + 1;
    const trimmed = text.slice(start, end).trim();
    const line: Line = { start, end, content: open !== undefined || (trimmed !== '' && !trimmed.startsWith('#')) };
    if (open === undefined && trimmed.startsWith('[')) {
      const key = trimmed.startsWith('[[') ? dottedKey(trimmed.slice(2), ']]') : dottedKey(trimmed.slice(1), ']');
      // A header this reader cannot split still ends a block; a line of a multi-line array does not.
      if (key || /^\[[^,]*\]\s*(#.*)?$/.test(trimmed)) line.header = { key };
    }
    lines.push(line);
    open = multilineAfter(trimmed, open);
    start = end;
  }
  return lines;
}

/** Which multi-line string (`"""` or `'''`) is still open after this line. */
function multilineAfter(line: string, open: string | undefined): string | undefined {
  for (const [quote] of line.matchAll(/"""|'''/g)) {
    if (open === undefined) open = quote;
    else if (open === quote) open = undefined;
  }
  return open;
}

/** `mcp_servers."my server"` up to `close` → its parts; undefined when it is not a plain dotted key. */
function dottedKey(source: string, close: string): string[] | undefined {
  const parts: string[] = [];
  let rest = source.trimStart();
  for (;;) {
    const part = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*/.exec(rest);
    if (!part) return undefined;
    if (part[1] !== undefined) {
      try {
        parts.push(JSON.parse(`"${part[1]}"`) as string);
      } catch {
        return undefined;
      }
    } else {
      parts.push(part[2] ?? part[3]!);
    }
    rest = rest.slice(part[0].length);
    if (rest.startsWith('.')) rest = rest.slice(1).trimStart();
    else return rest.startsWith(close) && /^\s*(#.*)?$/.test(rest.slice(close.length)) ? parts : undefined;
  }
}
