/** The lines `orch reload` and `orch start --config OTHER` print, and which config a new daemon gets. */
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatChanges } from '../../src/cli/config-changes.js';
import { configPath } from '../../src/cli/options.js';
import { rememberConfig } from '../../src/daemon/config-memory.js';
import { resolveHome } from '../../src/home.js';
import type { ReloadChange } from '../../src/system.js';

describe('config changes', () => {
  it('one aligned line a server, its kind marked, the detail in brackets', () => {
    const changes: ReloadChange[] = [
      { server: 'fs', change: 'added', detail: 'started' },
      { server: 'old', change: 'removed' },
      { server: 'memory', change: 'restarted', detail: 'command changed' },
      { server: 'db', change: 'updated', detail: 'policy changed' },
      { server: 'web', change: 'started', detail: 'no longer disabled' },
      { server: 'off', change: 'stopped', detail: 'disabled in the config' },
    ];
    expect(formatChanges('reloaded ~/.mcp.json', changes, false)).toBe(
      [
        'reloaded ~/.mcp.json:',
        '+ fs      added (started)',
        '- old     removed',
        '~ memory  restarted (command changed)',
        '~ db      updated (policy changed)',
        '+ web     started (no longer disabled)',
        '- off     stopped (disabled in the config)',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changed', () => {
    expect(formatChanges('reloaded /srv/mcp.json', [], false)).toBe('reloaded /srv/mcp.json: nothing changed\n');
  });

  it('prints a kind of change it does not know, plainly', () => {
    const odd = { server: 'a', change: 'renamed' } as unknown as ReloadChange;
    expect(formatChanges('h', [odd], true)).toBe('h:\n· a  renamed\n');
  });
});

describe('which config a new daemon gets', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('--config, else the remembered one, else ~/.mcp.json', () => {
    const root = mkdtempSync(join(tmpdir(), 'orch-options-'));
    dirs.push(root);
    const home = resolveHome({ ORCH_HOME: root });
    expect(configPath({}, home)).toBe(join(homedir(), '.mcp.json'));
    rememberConfig(home, '/srv/last/mcp.json');
    expect(configPath({}, home)).toBe('/srv/last/mcp.json');
    expect(configPath({ config: 'other.json' }, home)).toBe('other.json');
  });
});
