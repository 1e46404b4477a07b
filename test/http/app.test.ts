/** The HTTP app through `app.request()`: every route, the error shapes, and the three gates. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createFakeSupervision, PORT, SECRET, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;

function setup() {
  const fake = createFakeSupervision();
  const app = createApp(fake.deps);
  const bodies: string[] = [];
  const request = async (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has('host')) headers.set('host', HOST);
    if (init.auth !== false && !headers.has('authorization')) headers.set('authorization', `Bearer ${TOKEN}`);
    const response = await app.request(`http://${HOST}${path}`, { ...init, headers });
    return response;
  };
  const json = async (path: string, init: RequestInit & { auth?: boolean } = {}) => {
    const response = await request(path, init);
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: JSON.parse(text), headers: response.headers };
  };
  return { fake, app, request, json, bodies };
}

/** Reads an SSE response until `until` matches what arrived, then cancels it. */
async function readEvents(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe('HTTP API: servers', () => {
  it('lists every server with its figures', async () => {
    const { json } = setup();
    const { status, body } = await json('/api/servers');
    expect(status).toBe(200);
    expect(body.servers.map((s: { name: string }) => s.name)).toEqual(['memory', 'files']);
    expect(body.servers[0]).toMatchObject({ state: 'running', pid: 4000, restarts: 0, cpuPercent: 1.5, lastPingMs: 0.4 });
  });

  it('shows one server with its policy, transitions and env names, never env values', async () => {
    const { json, fake, bodies } = setup();
    fake.emit({ time: 1, server: 'memory', from: 'starting', to: 'running', reason: 'ready' });
    const { status, body } = await json('/api/servers/memory');
    expect(status).toBe(200);
    expect(body.server.policy.health.intervalMs).toBe(10_000);
    expect(body.server.transitions).toEqual([{ time: 1, server: 'memory', from: 'starting', to: 'running', reason: 'ready' }]);
    expect(body.server.envNames).toEqual(['API_KEY']);
    expect(bodies.join('')).not.toContain(SECRET);
  });

  it('an unknown server is a 404 that lists the known ones', async () => {
    const { json } = setup();
    for (const [path, method] of [['/api/servers/nope', 'GET'], ['/api/servers/nope/restart', 'POST'], ['/api/servers/nope/logs', 'GET']] as const) {
      const { status, body } = await json(path, { method });
      expect(status).toBe(404);
      expect(body.error.code).toBe('UNKNOWN_SERVER');
      expect(body.error.message).toMatch(/nope.*memory, files/);
    }
  });

  it('starts, stops and restarts one server', async () => {
    const { json, fake } = setup();
    for (const action of ['start', 'stop', 'restart']) {
      const { status, body } = await json(`/api/servers/memory/${action}`, { method: 'POST' });
      expect(status).toBe(202);
      expect(body.server.name).toBe('memory');
    }
    expect(fake.calls).toEqual([
      { action: 'start', names: ['memory'] },
      { action: 'stop', names: ['memory'] },
      { action: 'restart', names: ['memory'] },
    ]);
  });

  it('acts on all servers, or on the names in the body', async () => {
    const { json, fake } = setup();
    expect((await json('/api/servers/stop', { method: 'POST' })).status).toBe(202);
    const some = await json('/api/servers/restart', { method: 'POST', body: JSON.stringify({ names: ['files'] }) });
    expect(some.status).toBe(202);
    expect(some.body.servers.map((s: { name: string }) => s.name)).toEqual(['files']);
    expect(fake.calls).toEqual([{ action: 'stop', names: undefined }, { action: 'restart', names: ['files'] }]);
  });

  it('a malformed body is a 400 naming the field', async () => {
    const { json, fake } = setup();
    const wrongType = await json('/api/servers/start', { method: 'POST', body: JSON.stringify({ names: 'memory' }) });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error).toMatchObject({ code: 'BAD_REQUEST', field: 'names' });
    expect(wrongType.body.error.message).toMatch(/^names: /);
    const notJson = await json('/api/servers/start', { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.message).toMatch(/not valid JSON/);
    const extra = await json('/api/servers/start', { method: 'POST', body: JSON.stringify({ name: 'memory' }) });
    expect(extra.status).toBe(400);
    expect(fake.calls).toEqual([]);
  });

  it('an unknown route is a JSON 404', async () => {
    const { json } = setup();
    const { status, body } = await json('/api/nothing');
    expect(status).toBe(404);
    expect(body.error.code).toBe('NOT_FOUND');
  });

  it('an internal error is a 500 without details, reported to the daemon', async () => {
    const { fake } = setup();
    const reported: unknown[] = [];
    fake.deps.supervision.statuses = () => {
      throw new Error('boom at /secret/path');
    };
    const app = createApp({ ...fake.deps, onInternalError: (error) => reported.push(error) });
    const response = await app.request('/api/servers', { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe('INTERNAL');
    expect(text).not.toMatch(/boom|secret/);
    expect(reported).toHaveLength(1);
  });
});

describe('HTTP API: logs and events', () => {
  it('tails the last N log lines', async () => {
    const { json, fake } = setup();
    for (const text of ['one', 'two', 'three']) fake.logs.append('memory', 'stderr', text);
    const { body } = await json('/api/servers/memory/logs?tail=2');
    expect(body.lines.map((l: { text: string }) => l.text)).toEqual(['two', 'three']);
    const bad = await json('/api/servers/memory/logs?tail=many');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^tail: /);
  });

  it('streams log lines of one server as Server-Sent Events, backlog first', async () => {
    const { request, fake } = setup();
    fake.logs.append('memory', 'stderr', 'before');
    const response = await request('/api/servers/memory/logs/stream?tail=1');
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    setTimeout(() => {
      fake.logs.append('files', 'stderr', 'other server');
      fake.logs.append('memory', 'stderr', '<script>alert(1)</script>');
    }, 20);
    const text = await readEvents(response, (t) => t.includes('alert'));
    expect(text).toMatch(/event: log\ndata: .*"text":"before"/);
    expect(text).toContain('"text":"<script>alert(1)</script>"');
    expect(text).not.toContain('other server');
  });

  it('lists recent transitions newest first, and streams new ones', async () => {
    const { json, request, fake } = setup();
    fake.emit({ time: 1, server: 'memory', from: 'stopped', to: 'starting', reason: 'start requested' });
    fake.emit({ time: 2, server: 'memory', from: 'starting', to: 'running', reason: 'ready' });
    const listed = await json('/api/events');
    expect(listed.body.events.map((t: { to: string }) => t.to)).toEqual(['running', 'starting']);

    const response = await request('/api/events', { headers: { accept: 'text/event-stream' } });
    setTimeout(() => fake.emit({ time: 3, server: 'files', from: 'stopped', to: 'starting', reason: 'start requested' }), 20);
    const text = await readEvents(response, (t) => t.includes('"server":"files"'));
    expect(text).toMatch(/event: transition\ndata: \{"time":3,"server":"files"/);
    expect(text).not.toContain('"time":1');
  });
});

describe('HTTP API: daemon', () => {
  it('reports its own health', async () => {
    const { json } = setup();
    const { body } = await json('/api/health');
    expect(body).toMatchObject({ pid: 1234, version: '0.1.0', eventLoopDelay: { p99Ms: 12 } });
  });

  it('shuts down after answering', async () => {
    const { json, fake } = setup();
    const { status } = await json('/api/shutdown', { method: 'POST' });
    expect(status).toBe(202);
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.shutdowns()).toBe(1);
  });

  it('serves Prometheus metrics', async () => {
    const { request } = setup();
    const response = await request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('orch_server_up{server="memory"} 1');
    expect(text).toContain('orch_server_up{server="files"} 0');
    expect(text).toContain('orch_server_state{server="files",state="stopped"} 1');
    expect(text).toContain('orch_server_restarts_total{server="files"} 1');
    expect(text).toContain('orch_server_memory_bytes{server="memory"} 52428800');
    expect(text).toContain('orch_daemon_event_loop_delay_seconds{quantile="0.99"} 0.012');
    expect(text).not.toContain('orch_server_cpu_percent{server="files"}');
  });
});

describe('HTTP security', () => {
  it('401 without the token, on the API and the metrics', async () => {
    const { json, request } = setup();
    const { status, body } = await json('/api/servers', { auth: false });
    expect(status).toBe(401);
    expect(body.error.code).toBe('UNAUTHORIZED');
    expect((await request('/metrics', { auth: false })).status).toBe(401);
    expect((await json('/api/servers', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('403 for a Host that is not a loopback name on this port (DNS rebinding)', async () => {
    const { json } = setup();
    for (const host of ['evil.example:5999', `127.0.0.1:${PORT + 1}`, '127.0.0.1']) {
      const { status, body } = await json('/api/servers', { headers: { host } });
      expect(status).toBe(403);
      expect(body.error.code).toBe('FORBIDDEN_HOST');
    }
    for (const host of [`localhost:${PORT}`, `[::1]:${PORT}`]) expect((await json('/api/servers', { headers: { host } })).status).toBe(200);
  });

  it('403 for a state-changing request from a foreign Origin; its own origin is fine', async () => {
    const { json, fake } = setup();
    const foreign = await json('/api/servers/memory/stop', { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN_ORIGIN');
    expect(fake.calls).toEqual([]);
    const own = await json('/api/servers/memory/stop', { method: 'POST', headers: { origin: `http://localhost:${PORT}` } });
    expect(own.status).toBe(202);
  });

  it('a one-time login link sets an HttpOnly SameSite=Strict session cookie that then authenticates', async () => {
    const { json, request } = setup();
    const link = await json('/api/login-links', { method: 'POST' });
    expect(link.status).toBe(201);
    const url = new URL(link.body.url);
    expect(url.host).toBe(HOST);

    const login = await request(`${url.pathname}${url.search}`, { auth: false });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    expect((await json('/api/servers', { auth: false, headers: { cookie: session } })).status).toBe(200);

    const again = await request(`${url.pathname}${url.search}`, { auth: false });
    expect(again.status).toBe(401);
    expect((await json('/api/servers', { auth: false, headers: { cookie: 'orch_session=forged' } })).status).toBe(401);
  });
});
