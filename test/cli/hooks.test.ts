/** `orch hooks [--json]`: one line a hook from the daemon's `/api/hooks`, or its JSON as is. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCLI } from '../../src/cli/cli.js';
import { formatHooks } from '../../src/cli/commands/hooks.js';
import { writeDaemonInfo } from '../../src/daemon/daemon-file.js';
import { resolveHome } from '../../src/home.js';
import type { HookStatus } from '../../src/webhooks/webhooks.js';

const NOW = Date.UTC(2026, 10, 2, 10, 0, 0);
const hook = (more: Partial<HookStatus> = {}): HookStatus => ({
  url: 'https://hooks.example.com/orch',
  events: ['crashed', 'unhealthy'],
  servers: null,
  format: 'json',
  delivered: 12,
  failed: 1,
  dropped: 0,
  queued: 0,
  lastError: null,
  lastDeliveredAt: NOW - 60_000,
  ...more,
});

describe('formatHooks', () => {
  it('one line a hook: URL, events, figures, and the last error with its age', () => {
    const text = formatHooks(
      [
        hook(),
        hook({
          url: '${SLACK_URL}',
          format: 'slack',
          events: ['*'],
          servers: ['memory', 'db'],
          delivered: 0,
          dropped: 7,
          queued: 100,
          lastError: { message: 'no answer within 5000 ms', at: NOW - 125_000 },
        }),
      ],
      NOW,
    );
    expect(text).toBe(
      [
        'https://hooks.example.com/orch  crashed, unhealthy  12 delivered, 1 failed, 0 dropped',
        '${SLACK_URL} (slack)  * for memory, db  0 delivered, 1 failed, 7 dropped, 100 queued  last error 2m05s ago: no answer within 5000 ms',
        '',
      ].join('\n'),
    );
  });

  it('says where hooks come from when there are none', () => {
    expect(formatHooks([])).toBe('(no webhooks configured; see orchestrator.webhooks)\n');
  });
});

describe('orch hooks', () => {
  let root: string;
  let server: Server;
  let out: string;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'orch-hooks-'));
    vi.stubEnv('ORCH_HOME', root);
    out = '';
    server = createServer((req, res) => {
      const found = req.url === '/api/hooks' && req.headers.authorization === 'Bearer secret';
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(found ? { hooks: [hook()] } : { error: { message: 'no' } }));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const home = resolveHome({ ORCH_HOME: root });
    writeDaemonInfo(home.daemonFile, {
      pid: process.pid, host: '127.0.0.1', port: (server.address() as AddressInfo).port,
      startedAt: new Date().toISOString(), version: 'test', config: '/srv/mcp.json',
    });
    writeFileSync(home.tokenFile, 'secret\n');
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await new Promise((done) => server.close(done));
    rmSync(root, { recursive: true, force: true });
  });

  it('prints the lines, or with --json the API answer', async () => {
    await runCLI(['node', 'orch', 'hooks']);
    expect(out).toMatch(/^https:\/\/hooks\.example\.com\/orch {2}crashed, unhealthy {2}12 delivered, 1 failed, 0 dropped\n$/);
    out = '';
    await runCLI(['node', 'orch', 'hooks', '--json']);
    expect(JSON.parse(out)).toEqual({ hooks: [hook()] });
  });
});
