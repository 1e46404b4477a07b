/** Reading an `npx` command line the way npx does, and picking the executable npx would run. */
import { describe, expect, it } from 'vitest';
import { isPinned, npxBin, parseNpx } from '../../src/export/npx.js';

describe('parseNpx', () => {
  it('finds the package and its arguments in the forms configs use', () => {
    expect(parseNpx(['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/data'])).toEqual({
      packages: ['@modelcontextprotocol/server-filesystem@2025.8.21'],
      args: ['/data'],
    });
    expect(parseNpx(['--yes', '--', 'mcp-server', '--flag'])).toEqual({ packages: ['mcp-server'], args: ['--flag'] });
    expect(parseNpx(['-p', 'a@1', '--package=@s/b@^2', 'b-cli', 'x'])).toEqual({ packages: ['a@1', '@s/b@^2'], bin: 'b-cli', args: ['x'] });
  });

  it('says why it cannot install the rest', () => {
    expect(parseNpx(['-y'])).toEqual({ problem: 'npx names no package' });
    expect(parseNpx(['-c', 'echo hi'])).toEqual({ problem: 'npx -c runs a shell command' });
    expect(parseNpx(['--registry=https://r.example', 'pkg'])).toEqual({ problem: 'npx option --registry=https://r.example is not one orch understands' });
    for (const spec of ['github:owner/repo', './local', 'https://x.example/p.tgz', '${PKG}', 'pkg@npm:other']) {
      expect(parseNpx(['-y', spec])).toEqual({ problem: `${spec} is not an npm registry package (git, file, URL and \${…} specs are not installed)` });
    }
  });

  it('tells pinned specs from "the newest"', () => {
    expect(['pkg', '@s/pkg'].map(isPinned)).toEqual([false, false]);
    expect(['pkg@1.2.3', '@s/pkg@latest', 'pkg@^1'].map(isPinned)).toEqual([true, true, true]);
  });
});

describe('npxBin', () => {
  it('picks the only executable, else the one named like the package, as npm does', () => {
    expect(npxBin({ name: '@modelcontextprotocol/server-memory', bin: { 'mcp-server-memory': 'dist/index.js' } })).toBe('mcp-server-memory');
    expect(npxBin({ name: '@s/tool', bin: 'cli.js' })).toBe('tool');
    expect(npxBin({ name: 'two', bin: { a: 'x.js', b: 'x.js' } })).toBe('a');
    expect(npxBin({ name: '@s/two', bin: { two: 'a.js', other: 'b.js' } })).toBe('two');
    expect(npxBin({ name: 'many', bin: { a: 'a.js', b: 'b.js' } })).toBeUndefined();
    expect(npxBin({ name: 'none' })).toBeUndefined();
  });
});
