/** Server names: what is refused, and the URL path segment that carries any other name intact. */
import { describe, expect, it } from 'vitest';
import { nameFromSegment, nameProblem, nameSegment } from '../../src/config/server-name.js';

const NAMES = [
  'memory', 'a/b', 'github.com/owner/repo', 'x y', '100%', '%2F', '%00..', 'a#b', 'q?x=1&y', 'ü', '😀',
  '.', '..', '...', '.hidden', '__proto__', 'constructor', "it's", 'a\\b', '+', 'x'.repeat(300),
];

describe('server names', () => {
  it('refuses only the empty name, control characters and unpaired surrogates', () => {
    for (const name of NAMES) expect(nameProblem(name), name).toBeUndefined();
    expect(nameProblem('')).toBe('a server name cannot be empty');
    expect(nameProblem('a\tb')).toBe('a server name cannot hold control characters (found U+0009)');
    expect(nameProblem('a\u0085')).toBe('a server name cannot hold control characters (found U+0085)');
    expect(nameProblem('a\uD800')).toBe('a server name cannot hold an unpaired surrogate (found U+D800)');
  });

  it('a name survives a URL parser as one path segment, dot segments included', () => {
    for (const name of NAMES) {
      const url = new URL(`http://127.0.0.1/api/servers/${nameSegment(name)}/logs?tail=1#x`);
      const [, api, servers, segment, logs] = url.pathname.split('/');
      expect([api, servers, logs], name).toEqual(['api', 'servers', 'logs']);
      expect(nameFromSegment(decodeURIComponent(segment!)), name).toBe(name);
    }
  });

  it('is plain encodeURIComponent except for . and .., and one-to-one', () => {
    expect(nameSegment('a/b')).toBe('a%2Fb');
    expect(nameSegment('x y')).toBe('x%20y');
    expect(nameSegment('...')).toBe('...');
    expect(nameSegment('..')).toBe('%00..');
    expect(nameSegment('.')).toBe('%00.');
    expect(new Set(NAMES.map(nameSegment)).size).toBe(NAMES.length);
  });
});
