/** The CLI's pure pieces: option parsing and the status table. */
import { describe, expect, it } from 'vitest';
import { resolvePort } from '../../src/cli/options.js';
import { serverNames } from '../../src/cli/server-names.js';
import { statusJson } from '../../src/cli/status-json.js';
import { formatStatusTable } from '../../src/cli/status-table.js';
import { formatBytes, formatUptime } from '../../src/format.js';
import type { ServerStatus } from '../../src/status.js';

const running: ServerStatus = {
  name: 'memory', state: 'running', pid: 4242, restarts: 2, uptimeMs: 3_725_000, cpuPercent: 1.25,
  memoryBytes: 52_428_800, processes: 3, lastPingMs: 0.42, lastError: null, reason: 'ok', disabled: false,
};
const crashed: ServerStatus = {
  ...running, name: 'broken', state: 'crashed', pid: null, uptimeMs: null, cpuPercent: null, memoryBytes: null,
  processes: null, lastPingMs: null, lastError: 'exited with code 1 while starting',
};

describe('CLI options', () => {
  it('port: --port wins over ORCH_PORT; both are checked', () => {
    expect(resolvePort({ port: '0' }, { ORCH_PORT: '7000' })).toBe(0);
    expect(resolvePort({}, { ORCH_PORT: '7000' })).toBe(7000);
    expect(resolvePort({}, {})).toBeUndefined();
    expect(() => resolvePort({ port: '70000' }, {})).toThrow(/--port: expected a port number/);
    expect(() => resolvePort({}, { ORCH_PORT: 'x' })).toThrow(/ORCH_PORT/);
  });

  it('server names: positionals and every --server, once each', () => {
    expect(serverNames(['a'], ['b', 'a'])).toEqual(['a', 'b']);
    expect(serverNames([], 'c')).toEqual(['c']);
    expect(serverNames([], undefined)).toEqual([]);
  });
});

describe('status table', () => {
  it('one aligned row per server, the last error under a broken one', () => {
    const table = formatStatusTable([running, crashed], false);
    expect(table).toBe(
      [
        'name    state       pid  uptime  ↺   cpu  memory    ping',
        'memory  ● running  4242   1h02m  2  1.3%   50 MB  0.4 ms',
        'broken  ✖ crashed     –       –  2     –       –       –',
        '  exited with code 1 while starting',
        '',
      ].join('\n'),
    );
  });

  it('a remote server shows its URL under its row, and in --json', () => {
    const remote: ServerStatus = {
      ...crashed, name: 'docs', state: 'remote', lastError: null, restarts: 0, url: 'https://example.test/mcp',
    };
    const table = formatStatusTable([running, remote], false).split('\n');
    expect(table.slice(2, 4)).toEqual([expect.stringMatching(/^docs\s+⇄ remote\s+–/), '  https://example.test/mcp']);
    expect(statusJson([remote], '/srv/mcp.json').servers[0]).toMatchObject({ state: 'remote', url: 'https://example.test/mcp' });
    expect(statusJson([running], '/srv/mcp.json').servers[0]).not.toHaveProperty('url');
  });

  it('human figures', () => {
    expect([formatUptime(59_000), formatUptime(61_000), formatUptime(90_000_000)]).toEqual(['59s', '1m01s', '1d1h']);
    expect([formatBytes(2048), formatBytes(52_428_800), formatBytes(1.5 * 1024 ** 3)]).toEqual(['2 KB', '50 MB', '1.5 GB']);
  });

  it('--json holds exactly the documented keys', () => {
    const json = statusJson([crashed], '/srv/mcp.json');
    expect(Object.keys(json)).toEqual(['config', 'servers']);
    expect(json.config).toBe('/srv/mcp.json');
    expect(json.servers[0]).toEqual({
      name: 'broken', state: 'crashed', pid: null, restarts: 2, uptimeMs: null, cpuPercent: null,
      memoryBytes: null, lastPingMs: null, lastError: 'exited with code 1 while starting',
    });
  });
});
