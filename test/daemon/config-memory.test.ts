/** The config the daemon last ran with, remembered in $ORCH_HOME/config.json. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rememberConfig, rememberedConfig } from '../../src/daemon/config-memory.js';
import { resolveHome } from '../../src/home.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function home() {
  const root = mkdtempSync(join(tmpdir(), 'orch-memory-'));
  dirs.push(root);
  return resolveHome({ ORCH_HOME: root });
}

describe('the remembered config', () => {
  it('is none until the daemon writes it, then the absolute path, private', () => {
    const h = home();
    expect(rememberedConfig(h)).toBeUndefined();
    expect(rememberConfig(h, '/srv/a/mcp.json')).toBe(true);
    expect(rememberedConfig(h)).toBe('/srv/a/mcp.json');
    expect(JSON.parse(readFileSync(h.configFile, 'utf8'))).toEqual({ path: '/srv/a/mcp.json' });
    expect(statSync(h.configFile).mode & 0o777).toBe(0o600);
    expect(rememberConfig(h, '/srv/b/mcp.json')).toBe(true);
    expect(rememberedConfig(h)).toBe('/srv/b/mcp.json');
  });

  it('a relative path is kept absolute', () => {
    const h = home();
    rememberConfig(h, 'mcp.json');
    expect(rememberedConfig(h)).toBe(resolve('mcp.json'));
  });

  it('a file that is not orch shape is no memory', () => {
    const h = home();
    for (const text of ['not json', 'null', '"/a"', '{"path":3}', '{"path":"relative.json"}', '{}']) {
      writeFileSync(h.configFile, text);
      expect(rememberedConfig(h), text).toBeUndefined();
    }
  });

  it('cannot write: false, never a throw', () => {
    const h = resolveHome({ ORCH_HOME: join(tmpdir(), 'orch-memory-missing', 'nowhere') });
    expect(rememberConfig(h, '/srv/a/mcp.json')).toBe(false);
    expect(rememberedConfig(h)).toBeUndefined();
  });
});
