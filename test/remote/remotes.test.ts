/**
 * Remote servers as orch shows them: probed on their schedule (src/remote/remotes.ts), followed by
 * reload, and seen in the status, the API, `orch status` and the dashboard's card.
 */
import { createConsola } from 'consola';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OrchConfig, RemoteServer } from '../../src/config/load.js';
import { serverJson } from '../../src/cli/status-json.js';
import { formatStatusTable } from '../../src/cli/status-table.js';
import { createApp } from '../../src/http/app.js';
import type { Supervision } from '../../src/http/deps.js';
import { mcpPath } from '../../src/gateway/types.js';
import type { RemoteProbe } from '../../src/remote/probe.js';
import { Remotes } from '../../src/remote/remotes.js';
import { createOrchestrator, type Orchestrator } from '../../src/system.js';
import { eventually } from '../support/orchestrator.js';
import { API_KEY, FAST_REMOTE, remoteEntry, startSseRemote, startStreamableRemote, type RemoteFixture } from './fixture.js';

const TOKEN = 'remote-test-token';
const PORT = 5998;
const HOST = `127.0.0.1:${PORT}`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function remote(start: () => Promise<RemoteFixture> = () => startStreamableRemote()): Promise<RemoteFixture> {
  const fixture = await start();
  cleanups.push(() => fixture.close());
  return fixture;
}

function config(remote: RemoteServer[]): OrchConfig {
  return { path: '/test/config.json', port: 0, sampleIntervalMs: 500, servers: [], remote, groups: [], watch: false, webhooks: [] };
}

function boot(remote: RemoteServer[]): { orch: Orchestrator; logged: string[] } {
  const logged: string[] = [];
  const logger = createConsola({ level: 5, reporters: [{ log: (entry) => void logged.push(entry.args.join(' ')) }] });
  const orch = createOrchestrator({ config: config(remote), logger });
  cleanups.push(() => orch.shutdown());
  return { orch, logged };
}

/** One check's bound plus one interval, and room for a slow machine: the most a change may take to show. */
const WITHIN_ONE_INTERVAL = FAST_REMOTE.health!.intervalMs! + FAST_REMOTE.health!.timeoutMs! + 1_000;

const reachable = (orch: Orchestrator, name: string, wanted: boolean) =>
  eventually(() => orch.status(name).reachable === wanted, WITHIN_ONE_INTERVAL, `${name} reachable: ${wanted}`);

describe('probed on the schedule', () => {
  it('reachable with its latency; unreachable with a clear last error within one interval of stopping; back when it is', async () => {
    const fixture = await remote();
    const { orch, logged } = boot([remoteEntry('far', fixture.url)]);
    expect(orch.status('far')).toMatchObject({ state: 'remote', reachable: null, reason: 'remote (http): not checked yet' });
    await reachable(orch, 'far', true);
    expect(orch.status('far')).toMatchObject({ state: 'remote', reason: 'remote (http): answers MCP', lastError: null, pid: null, cpuPercent: null });
    expect(orch.status('far').lastPingMs).toBeGreaterThan(0);

    await fixture.close();
    await reachable(orch, 'far', false);
    expect(orch.status('far')).toMatchObject({ reason: 'remote (http): unreachable', lastPingMs: null });
    expect(orch.status('far').lastError).toMatch(/^connection (refused|closed by the remote|reset)$/);

    cleanups.push((await startStreamableRemote(fixture.port)).close);
    await reachable(orch, 'far', true);
    expect(logged.filter((line) => line.startsWith('far: remote'))).toEqual([
      expect.stringMatching(/^far: remote reachable \(\d/),
      expect.stringMatching(/^far: remote unreachable: connection/),
      expect.stringMatching(/^far: remote reachable \(\d/),
    ]);
  });

  it('a type "sse" entry is probed over the old transport', async () => {
    const fixture = await remote(startSseRemote);
    const { orch } = boot([remoteEntry('old', fixture.url, { transport: 'sse' })]);
    await reachable(orch, 'old', true);
    expect(orch.status('old').reason).toBe('remote (sse): answers MCP');
  });

  it('reload starts probing what it adds, afresh what it changes, and stops what it removes', async () => {
    const fixture = await remote();
    const { orch } = boot([]);
    expect(orch.reload(config([remoteEntry('far', fixture.url)]))).toEqual([{ server: 'far', change: 'added', detail: 'remote' }]);
    await reachable(orch, 'far', true);
    expect(orch.reload(config([remoteEntry('far', fixture.url)]))).toEqual([]);

    expect(orch.reload(config([remoteEntry('far', fixture.url, { headers: { 'x-api-key': 'revoked' } })]))).toEqual([
      { server: 'far', change: 'updated', detail: 'remote' },
    ]);
    await reachable(orch, 'far', false);
    expect(orch.status('far').lastError).toBe(`initialize: HTTP 401 Unauthorized: set the remote's credentials in the entry's "headers"`);
    // The replaced probe ended its session.
    expect(fixture.sessions.size).toBe(0);

    expect(orch.reload(config([remoteEntry('far', fixture.url)]))).toEqual([{ server: 'far', change: 'updated', detail: 'remote' }]);
    await reachable(orch, 'far', true);
    expect(orch.reload(config([]))).toEqual([{ server: 'far', change: 'removed', detail: 'remote' }]);
    await eventually(() => fixture.sessions.size === 0, WITHIN_ONE_INTERVAL, 'the removed remote to end its session');
    expect(orch.names()).toEqual([]);
    expect(() => orch.status('far')).toThrow(/unknown server far/);
  });
});

describe('the schedule itself', () => {
  it('checks at once, then one interval after each check ends; a probe that throws or a listener that fails stops nothing', async () => {
    vi.useFakeTimers();
    const started: number[] = [];
    let answer: () => Promise<{ ok: true; latencyMs: number; protocol: null } | never> = async () => {
      throw new Error('boom');
    };
    const probe: RemoteProbe = {
      check: async () => {
        started.push(Date.now());
        return (await answer()) as never;
      },
      close: async () => {},
    };
    const remotes = new Remotes({
      probe: () => probe,
      changed: () => {
        throw new Error('the log is gone');
      },
    });
    const t0 = Date.now();
    remotes.update([remoteEntry('far', 'http://127.0.0.1:1/mcp', { policy: { health: { intervalMs: 1_000 } } })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(remotes.reading('far')).toMatchObject({ reachable: false, lastError: 'the probe failed: Error: boom' });
    answer = async () => ({ ok: true, latencyMs: 3, protocol: null });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(started.map((at) => at - t0)).toEqual([0, 1_000, 2_000]);
    expect(remotes.reading('far')).toMatchObject({ reachable: true, lastPingMs: 3, lastError: 'the probe failed: Error: boom' });
    await remotes.close();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(started).toHaveLength(3);
  });

  it('a remote waiting for an input value is listed with why, and never checked', async () => {
    const check = vi.fn();
    const remotes = new Remotes({ probe: () => ({ check, close: async () => {} }) });
    remotes.update([{ ...remoteEntry('far', 'https://example.test/mcp'), unavailable: 'needs input key: orch secret set key' }]);
    expect(check).not.toHaveBeenCalled();
    expect(remotes.reading('far').reachable).toBeNull();
    await remotes.close();
  });
});

describe('shown', () => {
  async function shown() {
    const fixture = await remote();
    const { orch } = boot([remoteEntry('far', fixture.url)]);
    await reachable(orch, 'far', true);
    const app = createApp({
      supervision: orch as unknown as Supervision,
      token: TOKEN,
      port: () => PORT,
      health: () => ({
        pid: process.pid,
        version: 'test',
        startedAt: new Date(0).toISOString(),
        uptimeMs: 1_000,
        rssBytes: 1,
        cpuPercent: 0,
        eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
        config: '/test/config.json',
      }),
      shutdown: () => {},
      gateway: { calls: orch.calls, sessions: (n) => orch.gateway.sessionsOf(n), inFlight: (n) => orch.gateway.inFlight(n), endpoint: mcpPath },
    });
    const get = async (path: string) => {
      const response = await app.request(`http://${HOST}${path}`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
      return { status: response.status, text: await response.text() };
    };
    return { orch, fixture, get };
  }

  it('in the API: the list with state, reachability, latency and last error; the detail with header names, never values', async () => {
    const { get } = await shown();
    const list = await get('/api/servers');
    const far = (JSON.parse(list.text) as { servers: Record<string, unknown>[] }).servers.find((s) => s.name === 'far');
    expect(far).toMatchObject({ state: 'remote', reachable: true, lastError: null, pid: null, url: expect.stringMatching(/\/mcp$/) });
    expect(far!.lastPingMs).toEqual(expect.any(Number));

    const detail = await get('/api/servers/far');
    expect(detail.status).toBe(200);
    expect(JSON.parse(detail.text).server).toMatchObject({
      state: 'remote',
      transport: 'http',
      headerNames: ['x-api-key'],
      protocol: { serverInfo: { name: 'remote-fixture' } },
      policy: { health: { intervalMs: 100 } },
      endpoint: `http://127.0.0.1:${PORT}/mcp/far`,
    });
    expect(detail.text + list.text).not.toContain(API_KEY);
  });

  it('in orch status: the table colours and notes it, --json says reachable', async () => {
    const { orch, fixture } = await shown();
    const up = orch.status('far');
    expect(formatStatusTable([up], false).split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^far\s+⇄ remote\s+–\s+–\s+0\s+–\s+–\s+\d+(\.\d)? ms$/),
      `  ${fixture.url}`,
    ]);
    expect(serverJson(up)).toMatchObject({ state: 'remote', reachable: true, url: fixture.url, lastPingMs: expect.any(Number) });

    await fixture.close();
    await reachable(orch, 'far', false);
    const down = orch.status('far');
    expect(formatStatusTable([down], false).split('\n')[2]).toBe(`  ${fixture.url}  unreachable: ${down.lastError}`);
    expect(serverJson(down)).toMatchObject({ reachable: false, lastPingMs: null, lastError: down.lastError });
  });

  it('on the dashboard: a card with its reachability and ping, no process figures and no buttons', async () => {
    const { orch, fixture, get } = await shown();
    const card = async () => (await get('/ui/overview')).text.match(/<article [^>]*data-server="far".*?<\/article>/s)?.[0] ?? '';
    const up = await card();
    expect(up).toContain('data-reachable="true"');
    expect(up).toContain('remote · reachable');
    expect(up).toMatch(/data-figure="ping">\d/);
    for (const figure of ['pid', 'uptime', 'restarts', 'cpu', 'memory']) expect(up).not.toContain(`data-figure="${figure}"`);
    expect(up).not.toContain('<button');
    expect(up).toContain('remote (http): answers MCP');

    await fixture.close();
    await reachable(orch, 'far', false);
    const down = await card();
    expect(down).toContain('remote · unreachable');
    expect(down).toContain(`<p class="error">${orch.status('far').lastError}</p>`);
    expect((await get('/')).text).toContain('<title>1 unreachable · orch</title>');
  });
});
