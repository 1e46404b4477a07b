/** What the API and the dashboard show of the MCP gateway: calls, sessions, the endpoint, and nothing without one. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { Sessions } from '../../src/http/auth.js';
import { createFakeGateway, NOW } from './fake-gateway.js';
import { createFakeSupervision, PORT, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;

function setup(options: { gateway?: boolean; states?: Parameters<typeof createFakeSupervision>[0] } = {}) {
  const fake = createFakeSupervision(options.states);
  const gateway = createFakeGateway();
  const sessions = new Sessions();
  const app = createApp({ ...fake.deps, gateway: options.gateway === false ? undefined : gateway.readout }, sessions);
  const session = sessions.redeem(sessions.issueLoginCode().code)!;
  const api = async (path: string) => {
    const response = await app.request(`http://${HOST}${path}`, { headers: { host: HOST, authorization: `Bearer ${TOKEN}` } });
    return { status: response.status, body: await response.json() };
  };
  const page = async (path: string) =>
    (await app.request(`http://${HOST}${path}`, { headers: { host: HOST, cookie: `orch_session=${session}` } })).text();
  return { fake, gateway, api, page };
}

describe('GET /api/servers/:name with the gateway', () => {
  it('adds the endpoint URL, the call rate and last hour per tool, and the open sessions', async () => {
    const { gateway, api } = setup();
    for (let i = 0; i < 10; i++) gateway.call('memory', 'read_graph', 20);
    gateway.call('memory', 'search_nodes', 200, 'tool_error');
    const opened = gateway.session('memory', { inFlight: 1 });
    const { status, body } = await api('/api/servers/memory');
    expect(status).toBe(200);
    expect(body.server.endpoint).toBe(`http://127.0.0.1:${PORT}/mcp/memory`);
    expect(body.server.calls.perMinute).toBe(2.2);
    expect(body.server.calls.tools).toHaveLength(2);
    expect(body.server.calls.tools[0]).toMatchObject({ method: 'tools/call', tool: 'read_graph', calls: 10, errors: 0, perMinute: 2 });
    expect(body.server.calls.tools[1]).toMatchObject({ tool: 'search_nodes', calls: 1, errors: 1 });
    expect(body.server.sessions).toEqual([opened]);
    // The rest of the detail is untouched.
    expect(body.server.policy.health.intervalMs).toBe(10_000);
  });

  it('a server nobody called has a zero rate, no rows, no sessions; its name is encoded in the endpoint', async () => {
    const { api } = setup({ states: { 'a/b c': 'running' } });
    const { body } = await api('/api/servers/a%2Fb%20c');
    expect(body.server).toMatchObject({ endpoint: `http://127.0.0.1:${PORT}/mcp/a%2Fb%20c`, calls: { perMinute: 0, tools: [] }, sessions: [] });
  });

  it('without a gateway the detail has none of these fields', async () => {
    const { body } = await setup({ gateway: false }).api('/api/servers/memory');
    expect(body.server).not.toHaveProperty('endpoint');
    expect(body.server).not.toHaveProperty('calls');
    expect(body.server).not.toHaveProperty('sessions');
  });
});

describe('dashboard with the gateway', () => {
  it('the server page has a Calls panel per tool with rate, errors, p50 and p99', async () => {
    const { gateway, page } = setup();
    for (let i = 0; i < 98; i++) gateway.call('memory', 'read_graph', 20);
    for (let i = 0; i < 2; i++) gateway.call('memory', 'read_graph', 2_000, 'timeout');
    gateway.call('memory', null, 1);
    for (const path of ['/servers/memory', '/ui/servers/memory']) {
      const html = await page(path);
      expect(html).toContain('<section aria-label="Calls"><h2>Calls</h2>');
      const row = html.match(/<tr data-call="read_graph">(.*?)<\/tr>/)?.[1];
      expect(row, path).toBeDefined();
      const cells = [...row!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]);
      // 100 calls in the last 5 minutes: 20 a minute; p50 20 ms and p99 2 s, to the sketch's resolution.
      expect(cells.slice(0, 4)).toEqual(['read_graph', '20', '100', '2']);
      expect(cells[4]).toMatch(/^(19|2[01]) ms$/);
      expect(cells[5]).toMatch(/^(1[89]\d\d|2[01]\d\d) ms$/);
      expect(html).toContain('<td class="num failed">2</td>');
      expect(html).toContain('<tr data-call="tools/list"><td><code>tools/list</code></td>');
      expect(html).toContain('data-figure="calls">20<');
    }
  });

  it('with no calls the panel says so, and the sessions list says none is open', async () => {
    const html = await setup().page('/servers/memory');
    expect(html).toContain('No calls through orch yet');
    expect(html).toContain('No client has a session open');
    expect(html).toContain('data-figure="calls">0<');
  });

  it('lists the open sessions: client, protocol version, since, in flight', async () => {
    const { gateway, page } = setup();
    gateway.session('memory', { id: 'a1b2c3d4', inFlight: 2 });
    gateway.session('memory', { id: 'ffee0011', client: null, protocolVersion: '2026-07-28', era: 'modern', member: 'memory#2' });
    const html = await page('/ui/servers/memory');
    expect(html).toContain('<section aria-label="Open sessions"><h2>Open sessions</h2>');
    const first = html.match(/<tr data-session="a1b2c3d4">(.*?)<\/tr>/)?.[1];
    expect(first).toContain('claude-code 2.1.0');
    expect(first).toContain('<td class="nowrap">2025-11-25</td>');
    expect(first).toContain(`<time datetime="${new Date(NOW - 90_000).toISOString()}"`);
    expect(first).toMatch(/<td class="num">2<\/td>$/);
    const second = html.match(/<tr data-session="ffee0011">(.*?)<\/tr>/)?.[1];
    expect(second).toContain('unnamed client');
    expect(second).toContain('served by memory#2');
    expect(second).toContain('<td class="nowrap">2026-07-28</td>');
  });

  it('a Connect box shows the endpoint URL, the bearer header, and the orch connect line', async () => {
    const { page } = setup({ states: { memory: 'running', "it's mine": 'running' } });
    const html = await page('/servers/memory');
    expect(html).toContain('<section aria-label="Connect"><h2>Connect</h2>');
    expect(html).toContain(`<code data-endpoint="true">http://127.0.0.1:${PORT}/mcp/memory</code>`);
    expect(html).toContain('<code>Authorization: Bearer &lt;token&gt;</code>');
    expect(html).toContain('<code>$ORCH_HOME/token</code>');
    expect(html).toContain('<code data-connect="true">orch connect memory</code>');
    expect(html).toContain('&quot;memory&quot;: {&quot;command&quot;:&quot;orch&quot;,&quot;args&quot;:[&quot;connect&quot;,&quot;memory&quot;]}');
    // A name the shell would split is quoted so that it reads back as itself.
    const odd = await page(`/servers/${encodeURIComponent("it's mine")}`);
    expect(odd).toContain(`orch connect 'it'\\''s mine'`.replace(/'/g, '&#39;'));
    expect(odd).toContain(`/mcp/it's%20mine`.replace(/'/g, '&#39;'));
  });

  it('each overview card shows calls per minute; a remote one only once it has calls', async () => {
    const { gateway, fake, page } = setup({ states: { memory: 'running', files: 'stopped', far: 'stopped' } });
    Object.assign(fake.statuses.get('far')!, { state: 'remote', url: 'https://mcp.example.com/mcp' });
    for (let i = 0; i < 30; i++) gateway.call('memory', 'read_graph', 5);
    for (const path of ['/', '/ui/overview']) {
      const html = await page(path);
      const card = (name: string) => html.match(new RegExp(`<article [^>]*data-server="${name}".*?</article>`))?.[0] ?? '';
      expect(card('memory')).toContain('<dt>calls/min</dt><dd data-figure="calls">6</dd>');
      expect(card('files')).toContain('data-figure="calls">0<');
      expect(card('far')).not.toContain('data-figure="calls"');
    }
    gateway.call('far', 'search', 5);
    expect(await page('/ui/overview')).toMatch(/data-server="far".*?data-figure="calls">0\.2</);
  });

  it('without a gateway: no calls figure, panels or Connect box', async () => {
    const { page } = setup({ gateway: false });
    const detail = await page('/servers/memory');
    for (const html of [detail, await page('/')]) expect(html).not.toContain('data-figure="calls"');
    expect(detail).not.toContain('aria-label="Calls"');
    expect(detail).not.toContain('aria-label="Open sessions"');
    expect(detail).not.toContain('aria-label="Connect"');
  });
});
