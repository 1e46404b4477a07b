/**
 * What a server may be called, and how its name travels in a URL.
 *
 * Any non-empty key an MCP client accepts is a name: Cline writes `github.com/owner/repo`, people use
 * spaces, unicode and 300-character names. orch refuses only what cannot work: the empty string,
 * control characters (invisible in every listing; a line break would forge log and event lines), and
 * unpaired surrogates (not text: UTF-8 cannot hold them and `encodeURIComponent` throws on them).
 * Nothing else about a name is special: it reaches file names only through `logFileName` and URLs
 * only through `nameSegment`, and orch keeps names in Maps, never as keys of plain objects.
 */

// \p{Cc}: C0 controls, DEL and C1 controls. \p{Cs} in a /u pattern matches only unpaired surrogates.
const CONTROL = /\p{Cc}/u;
const UNPAIRED = /\p{Cs}/u;

/** Why `name` cannot name a server (or a group: the same rules), or undefined when it can. */
export function nameProblem(name: string, what: 'server' | 'group' = 'server'): string | undefined {
  if (name === '') return `a ${what} name cannot be empty`;
  const control = CONTROL.exec(name)?.[0];
  if (control !== undefined) return `a ${what} name cannot hold control characters (found ${codePoint(control)})`;
  const unpaired = UNPAIRED.exec(name)?.[0];
  if (unpaired !== undefined) return `a ${what} name cannot hold an unpaired surrogate (found ${codePoint(unpaired)})`;
  return undefined;
}

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * `.` and `..` are dot segments: every URL parser (browsers, `new URL`, curl) resolves them away,
 * even written `%2E`. They travel behind a NUL, which no name holds, so the mapping stays one-to-one.
 */
const DOT_SEGMENT = /^\.\.?$/;
const DOT_MARK = '\u0000';

/** The URL path segment for a server: `/api/servers/${nameSegment(name)}/logs`. */
export function nameSegment(name: string): string {
  return encodeURIComponent(DOT_SEGMENT.test(name) ? DOT_MARK + name : name);
}

/** The server a path segment names, given the segment already percent-decoded (as Hono's params are). */
export function nameFromSegment(segment: string): string {
  return segment.startsWith(DOT_MARK) ? segment.slice(DOT_MARK.length) : segment;
}
