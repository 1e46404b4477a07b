/** The dashboard rendered through `app.request()`: cards, states, escaping, and no data without a session. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { Sessions } from '../../src/http/auth.js';
import { createFakeSupervision, PORT, SECRET } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;

function setup(states?: Parameters<typeof createFakeSupervision>[0], dev = false) {
  const fake = createFakeSupervision(states);
  const sessions = new Sessions();
  const app = createApp({ ...fake.deps, dev }, sessions);
  const session = sessions.redeem(sessions.issueLoginCode().code)!;
  const get = async (path: string, loggedIn = true) => {
    const response = await app.request(`http://${HOST}${path}`, {
      headers: { host: HOST, ...(loggedIn ? { cookie: `orch_session=${session}` } : {}) },
    });
    return { status: response.status, html: await response.text(), type: response.headers.get('content-type') };
  };
  return { fake, get };
}

describe('dashboard pages', () => {
  it('the overview has one card per server with its state symbol and word, figures and buttons', async () => {
    const { get } = setup({ memory: 'running', files: 'stopped', broken: 'crashed' });
    const { status, html, type } = await get('/');
    expect(status).toBe(200);
    expect(type).toMatch(/text\/html/);
    expect(html).toContain('<script src="/assets/htmx.min.js"');
    expect(html).toMatch(/<article class="card state-running" data-server="memory" data-state="running" data-pid="4000">/);
    expect(html).toContain('🟢</span> running');
    expect(html).toContain('⏹️</span> stopped');
    expect(html).toContain('❌</span> crashed');
    expect(html).toContain('data-figure="memory">50 MB<');
    expect(html).toContain('hx-post="/api/servers/memory/restart"');
    expect(html).toMatch(/data-summary="running">🟢 1 running/);
  });

  it('disables the buttons that make no sense in the state', async () => {
    const { get } = setup({ idle: 'stopped' });
    const { html } = await get('/ui/overview');
    expect(html).toMatch(/<button type="button" hx-post="\/api\/servers\/idle\/stop" hx-swap="none" disabled="" data-action="stop"/);
    expect(html).not.toMatch(/idle\/start" hx-swap="none" disabled/);
  });

  it('filters the cards by name and state', async () => {
    const { get } = setup({ memory: 'running', files: 'stopped', 'memory-2': 'stopped' });
    const byName = await get('/ui/overview?name=MEM&state=');
    expect(byName.html).toContain('data-server="memory"');
    expect(byName.html).toContain('data-server="memory-2"');
    expect(byName.html).not.toContain('data-server="files"');
    const byState = await get('/ui/overview?name=mem&state=stopped');
    expect(byState.html).not.toContain('data-server="memory"');
    expect(byState.html).toContain('data-server="memory-2"');
  });

  it('enables exactly the buttons the action table allows: Restart on a stopped server starts it, as the CLI does', async () => {
    const { get } = setup({ idle: 'stopped', busy: 'stopping', up: 'running' });
    const { html } = await get('/ui/overview');
    const enabled = (name: string) =>
      ['start', 'stop', 'restart'].filter((action) => !new RegExp(`${name}/${action}" hx-swap="none" disabled`).test(html));
    expect(enabled('idle')).toEqual(['start', 'restart']);
    expect(enabled('busy')).toEqual(['start', 'restart']);
    expect(enabled('up')).toEqual(['stop', 'restart']);
  });

  it('the filter takes an @group, and the overview says which config is in use', async () => {
    const { get } = setup({ memory: 'running', files: 'stopped' });
    const byGroup = await get('/ui/overview?name=@dev&state=');
    expect(byGroup.html).toContain('data-server="memory"');
    expect(byGroup.html).not.toContain('data-server="files"');
    const page = await get('/');
    expect(page.html).toContain('<code data-config="true">/test/mcp.json</code>');
    expect(page.html).toContain('placeholder="Filter by name or @group (@dev)"');
  });

  it('escapes server names, reasons and log text', async () => {
    const { get, fake } = setup({ '<img src=x onerror=alert(1)>': 'running' });
    fake.statuses.get('<img src=x onerror=alert(1)>')!.reason = '<script>alert("reason")</script>';
    const { html } = await get('/');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;reason&quot;)&lt;/script&gt;');
  });

  it('the detail page shows the policy, env names (never values), graphs and the log tail', async () => {
    const { get, fake } = setup();
    fake.emit({ time: Date.UTC(2026, 10, 25, 9, 0, 0), server: 'memory', from: 'starting', to: 'running', reason: 'pid 4000 ready in 180 ms' });
    const { status, html } = await get('/servers/memory');
    expect(status).toBe(200);
    expect(html).toContain('<code>health.intervalMs</code>');
    expect(html).toContain('API_KEY');
    expect(html).not.toContain(SECRET);
    expect(html).toMatch(/<figure class="chart" data-chart="Memory">/);
    expect(html).toContain('<polyline points=');
    expect(html).toContain('data-stream="/api/servers/memory/logs/stream?tail=200"');
    expect(html).toContain('2026-11-25 09:00:00');
    expect(html).toContain('pid 4000 ready in 180 ms');
  });

  it('the log download is the server log file, as an attachment', async () => {
    const { get } = setup();
    const { status, type } = await get('/servers/memory/log');
    expect(status).toBe(200);
    expect(type).toMatch(/text\/plain/);
  });

  it('the events page lists transitions newest first, escaped', async () => {
    const { get, fake } = setup();
    fake.emit({ time: 1_000, server: 'memory', from: 'stopped', to: 'starting', reason: 'first' });
    fake.emit({ time: 2_000, server: 'memory', from: 'starting', to: 'running', reason: '<b>second</b>' });
    const { html } = await get('/events');
    expect(html.indexOf('&lt;b&gt;second&lt;/b&gt;')).toBeGreaterThan(0);
    expect(html.indexOf('&lt;b&gt;second')).toBeLessThan(html.indexOf('first'));
  });

  it('without a session every page says how to get in and shows no data', async () => {
    const { get } = setup();
    for (const path of ['/', '/ui/overview', '/servers/memory', '/events']) {
      const { status, html } = await get(path, false);
      expect(status, path).toBe(401);
      expect(html).toContain('<code>orch dashboard</code>');
      expect(html).not.toContain('memory');
    }
    expect((await get('/assets/style.css', false)).status).toBe(200);
    expect((await get('/assets/htmx.min.js', false)).html).toMatch(/htmx/);
  });

  it('an unknown server is a 404 page that lists the known ones, escaped', async () => {
    const { get } = setup({ memory: 'running', files: 'stopped' });
    for (const path of ['/servers/%3Cb%3Emissing', '/ui/servers/%3Cb%3Emissing', '/servers/%3Cb%3Emissing/log']) {
      const { status, html, type } = await get(path);
      expect(status, path).toBe(404);
      expect(type).toMatch(/text\/html/);
      expect(html).toContain('No server named “&lt;b&gt;missing”');
      expect(html).toContain('<a href="/servers/memory">memory</a>, <a href="/servers/files">files</a>');
    }
    expect((await get('/api/servers/missing')).type).toMatch(/application\/json/);
  });
});
