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
  it('the overview has one card per server with its state dot and word, figures and buttons', async () => {
    const { get } = setup({ memory: 'running', files: 'stopped', broken: 'crashed' });
    const { status, html, type } = await get('/');
    expect(status).toBe(200);
    expect(type).toMatch(/text\/html/);
    expect(html).toContain('<script src="/assets/htmx.min.js"');
    expect(html).toMatch(/<article class="card state-running" data-server="memory" data-state="running" data-pid="4000">/);
    expect(html).toContain('<span class="dot dot-running" aria-hidden="true"></span> running');
    expect(html).toContain('<span class="dot dot-stopped" aria-hidden="true"></span> stopped');
    expect(html).toContain('<span class="dot dot-crashed" aria-hidden="true"></span> crashed');
    expect(html).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(html).toContain('data-figure="memory">50 MB<');
    expect(html).toContain('hx-post="/api/servers/memory/restart"');
    expect(html).toMatch(/data-summary="running"><span class="dot dot-running" aria-hidden="true"><\/span> 1 running/);
  });

  it('the title counts the servers that need attention, on the page and in each live refresh', async () => {
    const { get } = setup({ a: 'crashed', b: 'crashed', c: 'unhealthy', d: 'running' });
    const page = (await get('/')).html;
    expect(page).toContain('<title>2 crashed, 1 unhealthy · orch</title>');
    expect(page.match(/<title>/g)).toHaveLength(1);
    expect((await get('/ui/overview')).html).toMatch(/^<title>2 crashed, 1 unhealthy · orch<\/title>/);
    expect((await setup({ d: 'running', e: 'stopped' }).get('/')).html).toContain('<title>Overview · orch</title>');
    expect((await get('/servers/a')).html).toContain('<title>a crashed · orch</title>');
    expect((await get('/ui/servers/a')).html).toMatch(/^<title>a crashed · orch<\/title>/);
  });

  it('the header shows the daemon: its config, uptime, RSS, CPU, event-loop delay, and a link to /metrics', async () => {
    const { get } = setup();
    const { html } = await get('/');
    expect(html).toContain('data-daemon="uptime">1s<');
    expect(html).toContain('data-daemon="rss">38.1 MB<');
    expect(html).toContain('data-daemon="cpu">0.3%<');
    expect(html).toContain('data-daemon="delay">12 ms<');
    expect(html).toContain('<a href="/metrics">metrics</a>');
    expect((await get('/ui/daemon')).html).toContain('data-daemon="rss">38.1 MB<');
  });

  it('disabled and remote servers have their own look', async () => {
    const { get, fake } = setup({ off: 'stopped', far: 'stopped' });
    Object.assign(fake.statuses.get('off')!, { state: 'disabled', disabled: true });
    Object.assign(fake.statuses.get('far')!, { state: 'remote', url: 'https://mcp.example.com/mcp' });
    const { html } = await get('/ui/overview');
    expect(html).toContain('<article class="card state-disabled" data-server="off"');
    expect(html).toContain('<span class="dot dot-disabled"');
    expect(html).toContain('<article class="card state-remote" data-server="far"');
    expect(html).toContain('<span class="dot dot-remote"');
  });

  it('serves the favicon without a session, at /favicon.ico too, and links it from every page', async () => {
    const { get } = setup();
    for (const path of ['/favicon.ico', '/assets/favicon.svg']) {
      const { status, type, html } = await get(path, false);
      expect(status, path).toBe(200);
      expect(type).toBe('image/svg+xml');
      expect(html).toMatch(/^<svg /);
    }
    expect((await get('/events')).html).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"/>');
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

  it('the detail page shows the policy in human units, env names (never values), graphs and the log tail', async () => {
    const { get, fake } = setup();
    fake.emit({ time: Date.UTC(2026, 10, 25, 9, 0, 0), server: 'memory', from: 'starting', to: 'running', reason: 'pid 4000 ready in 180 ms' });
    const { status, html } = await get('/servers/memory');
    expect(status).toBe(200);
    expect(html).toContain('<code>health.intervalMs</code>');
    const policy = (key: string) => html.match(new RegExp(`data-policy="${key}"[^>]*>([^<]*)<`))?.[1];
    expect(policy('health.intervalMs')).toBe('10 s');
    expect(policy('health.memoryBytes')).toBe('1 GB');
    expect(policy('health.cpuPercent')).toBe('90%');
    expect(policy('health.failureThreshold')).toBe('3');
    expect(policy('restart.resetAfterMs')).toBe('2 min');
    expect(policy('restart.jitter')).toBe('±20%');
    expect(policy('protocol')).toBe('auto');
    expect(html).toContain('title="1073741824"');
    expect(html).toContain('API_KEY');
    expect(html).not.toContain(SECRET);
    expect(html).toContain('<figure class="chart" data-chart="Memory" data-series="memoryBytes" data-unit="bytes" data-limit="1073741824">');
    expect(html).toContain('<figure class="chart" data-chart="CPU" data-series="cpuPercent" data-unit="percent" data-limit="90">');
    expect(html).toContain('<figure class="chart" data-chart="Ping" data-series="pingMs" data-unit="ms">');
    expect(html).toContain('<div class="charts" id="charts" data-source="/api/servers/memory" hx-preserve="true">');
    expect(html).toContain('<script src="/assets/uPlot.iife.min.js" defer="">');
    expect(html).toContain('data-stream="/api/servers/memory/logs/stream?tail=200"');
    expect(html).toContain('<time datetime="2026-11-25T09:00:00.000Z" title="2026-11-25T09:00:00.000Z">2026-11-25 09:00:00 UTC</time>');
    expect(html).toContain('pid 4000 ready in 180 ms');
  });

  it('serves uPlot and the graph script from the package, not a CDN', async () => {
    const { get } = setup();
    const js = await get('/assets/uPlot.iife.min.js', false);
    expect(js.type).toMatch(/text\/javascript/);
    expect(js.html).toMatch(/uPlot/);
    expect((await get('/assets/uPlot.min.css', false)).type).toMatch(/text\/css/);
    expect((await get('/assets/charts.js', false)).html).toContain('uPlot');
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
    expect(html).toContain('<time datetime="1970-01-01T00:00:02.000Z"');
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
