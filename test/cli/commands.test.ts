/**
 * The CLI's side of reload, config switching, status and the acted-on lists, against a fake daemon:
 * an HTTP server answering the API as the real one does, found through daemon.json and the token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCLI } from '../../src/cli/cli.js';
import { restartCommand, stopCommand } from '../../src/cli/commands/control.js';
import { startCommand } from '../../src/cli/commands/start.js';
import { reloadCommand } from '../../src/cli/commands/reload.js';
import { statusCommand } from '../../src/cli/commands/status.js';
import { writeDaemonInfo } from '../../src/daemon/daemon-file.js';
import { resolveHome } from '../../src/home.js';
import type { ServerStatus } from '../../src/status.js';

interface Seen {
  method: string;
  path: string;
  type: string | undefined;
  body: string;
}
type Answer = { status?: number; json: unknown };

const status = (name: string, state: ServerStatus['state'], pid: number | null = null): ServerStatus => ({
  name, state, pid, restarts: 0, uptimeMs: null, cpuPercent: null, memoryBytes: null, processes: null,
  lastPingMs: null, lastError: null, reason: '', disabled: false,
});

let root: string;
let server: Server;
let seen: Seen[];
let out: string;
let err: string;
let answers: Map<string, (body: string) => Answer>;
const CONFIG = '/srv/project/mcp.json';

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'orch-cli-'));
  vi.stubEnv('ORCH_HOME', root);
  seen = [];
  out = '';
  err = '';
  answers = new Map([['GET /api/health', () => ({ json: { pid: process.pid, config: CONFIG } })]]);
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const key = `${req.method} ${req.url}`;
      seen.push({ method: req.method!, path: req.url!, type: req.headers['content-type'], body });
      const answer = answers.get(key)?.(body) ?? { status: 404, json: { error: { code: 'NOT_FOUND', message: `no ${key}` } } };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const home = resolveHome({ ORCH_HOME: root });
  writeDaemonInfo(home.daemonFile, {
    pid: process.pid, host: '127.0.0.1', port: (server.address() as AddressInfo).port,
    startedAt: new Date().toISOString(), version: 'test', config: CONFIG,
  });
  writeFileSync(home.tokenFile, 'secret\n');
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
  await new Promise((done) => server.close(done));
  rmSync(root, { recursive: true, force: true });
});

const posts = () => seen.filter((r) => r.method === 'POST').map((r) => [r.path, r.body]);

describe('orch reload', () => {
  it('posts no body and prints one line a change', async () => {
    answers.set('POST /api/reload', () => ({
      json: {
        config: CONFIG,
        changes: [
          { server: 'fs', change: 'added', detail: 'started' },
          { server: 'memory', change: 'restarted', detail: 'command changed' },
        ],
      },
    }));
    await reloadCommand();
    expect(seen.find((r) => r.path === '/api/reload')).toMatchObject({ body: '', type: undefined });
    expect(out).toBe('reloaded /srv/project/mcp.json:\n+ fs      added (started)\n~ memory  restarted (command changed)\n');
  });

  it('nothing changed', async () => {
    answers.set('POST /api/reload', () => ({ json: { config: CONFIG, changes: [] } }));
    await reloadCommand();
    expect(out).toBe('reloaded /srv/project/mcp.json: nothing changed\n');
  });

  it("an invalid config: the daemon's message as is, exit 1", async () => {
    const message = '/srv/project/mcp.json: orchestrator.servers.a.dependsOn: cycle a → b → a';
    answers.set('POST /api/reload', () => ({ status: 400, json: { error: { code: 'CONFIG_INVALID', message, issues: 1 } } }));
    await runCLI(['node', 'orch', 'reload']);
    expect(err).toBe(`orch: ${message}\n`);
    expect(out).toBe('');
    expect(process.exitCode).toBe(1);
  });
});

describe('orch start with a daemon running', () => {
  const running = () => ({ json: { servers: [status('memory', 'running', 11), status('fs', 'running', 12), status('off', 'stopped')] } });

  it('--config OTHER switches the daemon, says so, then starts what the daemon resolved', async () => {
    const other = resolve('other.mcp.json');
    answers.set('POST /api/reload', () => ({ json: { config: other, changes: [{ server: 'old', change: 'removed' }] } }));
    answers.set('POST /api/servers/start', () => ({
      json: { servers: [], acted: ['memory', 'fs', 'off'], notes: ['off is disabled in the config; started because you named it'] },
    }));
    answers.set('GET /api/servers', () => ({
      json: { servers: [status('memory', 'running', 11), status('fs', 'running', 12), status('off', 'running', 13)] },
    }));
    await startCommand(['@dev', 'off'], { config: 'other.mcp.json' });
    expect(posts()).toEqual([
      ['/api/reload', JSON.stringify({ config: other })],
      ['/api/servers/start', JSON.stringify({ names: ['@dev', 'off'] })],
    ]);
    expect(out).toMatch(new RegExp(`^switched the daemon to ${other}:\n- old  removed\nstarting memory, fs, off\n`));
    expect(err).toBe('orch: off is disabled in the config; started because you named it\n');
  });

  it('--config naming the file it already runs: no switch', async () => {
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['memory'] } }));
    answers.set('GET /api/servers', running);
    await startCommand([], { config: CONFIG });
    expect(posts()).toEqual([['/api/servers/start', '{}']]);
    expect(out).toMatch(/^starting memory\n/);
  });

  it('waits for the servers the daemon acted on, and only those', async () => {
    // `off` stays stopped: a bulk start did not act on it, so it is no failure.
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['memory', 'fs'] } }));
    answers.set('GET /api/servers', running);
    await startCommand([], {});
    expect(out).toMatch(/^starting memory, fs\n/);
    expect(out).toMatch(/off\s+○ stopped/);
  });

  it('a server the daemon acted on that does not come up is a failure', async () => {
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['off'] } }));
    answers.set('GET /api/servers', () => ({ json: { servers: [{ ...status('off', 'crashed'), lastError: 'spawn x ENOENT' }] } }));
    await expect(startCommand(['off'], {})).rejects.toThrow('a server did not start: off (crashed: spawn x ENOENT)');
  });

  it('nothing acted on: says so, waits for nothing', async () => {
    answers.set('POST /api/servers/stop', () => ({ json: { servers: [], acted: [] } }));
    answers.set('GET /api/servers', running);
    await stopCommand([]);
    expect(out).toMatch(/^nothing to stop\n/);
  });

  it('restart passes @group through and waits for new pids of the acted ones', async () => {
    let pid = 11;
    answers.set('POST /api/servers/restart', () => ((pid = 21), { json: { servers: [], acted: ['memory'] } }));
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'running', pid)] } }));
    await restartCommand(['@dev']);
    expect(posts()).toEqual([['/api/servers/restart', JSON.stringify({ names: ['@dev'] })]]);
    expect(out).toMatch(/^restarting memory\n/);
  });
});

describe('orch status', () => {
  it('a header line naming the config, then the table', async () => {
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'running', 11)] } }));
    await statusCommand([], {});
    expect(out.split('\n').slice(0, 2)).toEqual(['config: /srv/project/mcp.json', expect.stringMatching(/^name\s+state/)]);
  });

  it('--json carries the config at the top', async () => {
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'running', 11)] } }));
    await statusCommand([], { json: true });
    const json = JSON.parse(out) as { config: string; servers: { name: string }[] };
    expect(json.config).toBe(CONFIG);
    expect(json.servers.map((s) => s.name)).toEqual(['memory']);
  });
});

describe('all, and restart with no names', () => {
  it('restart with no names asks for every server and waits for new pids', async () => {
    let pid = 11;
    answers.set('POST /api/servers/restart', () => ((pid = 21), { json: { servers: [], acted: ['memory'] } }));
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'running', pid)] } }));
    await runCLI(['node', 'orch', 'restart']);
    expect(process.exitCode).toBeUndefined();
    expect(posts()).toEqual([['/api/servers/restart', '{}']]);
    expect(out).toMatch(/^restarting memory\n/);
  });

  it('all passes through to the daemon, which owns the rule', async () => {
    answers.set('POST /api/servers/stop', () => ({ json: { servers: [], acted: ['memory'] } }));
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'stopped')] } }));
    await runCLI(['node', 'orch', 'stop', 'all']);
    expect(posts()).toEqual([['/api/servers/stop', JSON.stringify({ names: ['all'] })]]);
  });
});

describe('--json and exit codes of start, stop, restart', () => {
  const two = (second: ServerStatus) => () => ({ json: { servers: [status('memory', 'running', 11), second, status('off', 'stopped')] } });

  it('one object: what was acted on, the notes, and those servers as they settled; nothing else on stdout or stderr', async () => {
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['memory', 'fs'], notes: ['fs is started first'] } }));
    answers.set('GET /api/servers', two(status('fs', 'running', 12)));
    await runCLI(['node', 'orch', 'start', '--json']);
    expect(process.exitCode).toBeUndefined();
    expect(err).toBe('');
    const json = JSON.parse(out) as { acted: string[]; notes: string[]; servers: { name: string; state: string; pid: number }[] };
    expect(json.acted).toEqual(['memory', 'fs']);
    expect(json.notes).toEqual(['fs is started first']);
    expect(json.servers.map((s) => [s.name, s.state, s.pid])).toEqual([['memory', 'running', 11], ['fs', 'running', 12]]);
  });

  it('a partial start exits 3 with one line; the JSON is printed all the same', async () => {
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['memory', 'fs'] } }));
    answers.set('GET /api/servers', two({ ...status('fs', 'crashed'), lastError: 'spawn nope ENOENT' }));
    await runCLI(['node', 'orch', 'start', '--json']);
    expect(process.exitCode).toBe(3);
    expect(err).toBe('orch: a server did not start: fs (crashed: spawn nope ENOENT)\n');
    expect((JSON.parse(out) as { servers: { state: string }[] }).servers.map((s) => s.state)).toEqual(['running', 'crashed']);
  });

  it('nothing started at all is a plain failure, exit 1', async () => {
    answers.set('POST /api/servers/start', () => ({ json: { servers: [], acted: ['fs'] } }));
    answers.set('GET /api/servers', two(status('fs', 'crashed')));
    await runCLI(['node', 'orch', 'start', 'fs']);
    expect(process.exitCode).toBe(1);
  });

  it('stop --json', async () => {
    answers.set('POST /api/servers/stop', () => ({ json: { servers: [], acted: ['off'], notes: [] } }));
    answers.set('GET /api/servers', two(status('fs', 'running', 12)));
    await runCLI(['node', 'orch', 'stop', '--server', 'off', '--json']);
    expect(JSON.parse(out)).toMatchObject({ acted: ['off'], notes: [], servers: [{ name: 'off', state: 'stopped' }] });
  });
});

describe('orch status NAME…', () => {
  beforeEach(() => {
    answers.set('GET /api/servers', () => ({ json: { servers: [status('memory', 'running', 11), status('fs', 'stopped')] } }));
  });

  it('shows the named servers only, by name or --server', async () => {
    await runCLI(['node', 'orch', 'status', '--server', 'fs', '--json']);
    expect((JSON.parse(out) as { servers: { name: string }[] }).servers.map((s) => s.name)).toEqual(['fs']);
  });

  it('all is every server', async () => {
    await runCLI(['node', 'orch', 'status', 'all']);
    expect(out).toMatch(/memory/);
    expect(out).toMatch(/fs/);
  });

  it('an unknown name: one line listing the known ones, exit 1', async () => {
    await runCLI(['node', 'orch', 'status', 'memory', 'gamma']);
    expect(err).toBe('orch: unknown server gamma (known: memory, fs)\n');
    expect(out).toBe('');
    expect(process.exitCode).toBe(1);
  });
});

describe('--json of reload, dashboard and health', () => {
  it('reload --json is the daemon answer', async () => {
    const answer = { config: CONFIG, changes: [{ server: 'fs', change: 'added', detail: 'started' }] };
    answers.set('POST /api/reload', () => ({ json: answer }));
    await runCLI(['node', 'orch', 'reload', '--json']);
    expect(JSON.parse(out)).toEqual(answer);
  });

  it('dashboard --json: the link and when it expires', async () => {
    const link = { url: 'http://127.0.0.1:1/login?token=abc', expiresAt: '2026-11-25T10:00:00.000Z' };
    answers.set('POST /api/login-links', () => ({ status: 201, json: link }));
    await runCLI(['node', 'orch', 'dashboard', '--json']);
    expect(JSON.parse(out)).toEqual(link);
  });

  it('health: labelled lines, or the API answer with --json', async () => {
    const health = {
      pid: 42, version: '1.2.3', startedAt: '2026-11-25T10:00:00.000Z', uptimeMs: 7_500_000, rssBytes: 62_914_560, cpuPercent: 0.4,
      eventLoopDelay: { p50Ms: 0.2, p99Ms: 1.3, maxMs: 12 }, config: CONFIG,
      storage: [{ path: '/h/logs/fs.log', error: 'no space left on device (ENOSPC)', since: '2026-11-25T10:00:00.000Z' }],
    };
    answers.set('GET /api/health', () => ({ json: health }));
    await runCLI(['node', 'orch', 'health']);
    expect(out).toMatch(/^daemon {6}pid 42, orch 1\.2\.3, up 2h05m, http:\/\/127\.0\.0\.1:\d+\n/);
    expect(out).toContain('memory      60 MB RSS\n');
    expect(out).toContain('event loop  delay p50 0.2 ms, p99 1.3 ms, max 12 ms\n');
    expect(out).toContain('storage     1 file not writable:\n  /h/logs/fs.log: no space left on device (ENOSPC)');
    out = '';
    await runCLI(['node', 'orch', 'health', '--json']);
    expect(JSON.parse(out)).toEqual(health);
  });
});

describe('orch shutdown', () => {
  it('no daemon running: says so, exit 0', async () => {
    rmSync(join(root, 'daemon.json'));
    await runCLI(['node', 'orch', 'shutdown']);
    expect(process.exitCode).toBeUndefined();
    expect(out).toBe(`no orch daemon is running for ${root}\n`);
    out = '';
    await runCLI(['node', 'orch', 'shutdown', '--json']);
    expect(JSON.parse(out)).toEqual({ stopped: false, pid: null });
  });
});
