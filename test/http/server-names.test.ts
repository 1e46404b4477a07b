/**
 * Any server name through the HTTP surface: the API routes, the dashboard's links, htmx attributes
 * and log stream address a name with `/`, spaces, `%`, `#`, `?`, unicode or dots, and no other server.
 */
import { describe, expect, it } from 'vitest';
import { nameSegment } from '../../src/config/server-name.js';
import { createApp } from '../../src/http/app.js';
import { Sessions } from '../../src/http/auth.js';
import type { ServerStateName } from '../../src/machines/server.types.js';
import { createFakeSupervision, PORT, TOKEN } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;
const NAMES = [
  'github.com/owner/repo', 'a/b', 'a', 'x y', '100%', '%2F', 'a#b', 'q?x=1&y=2', 'ü', '😀 emoji',
  '..', '.', '__proto__', 'constructor', 'start', "it's", 'x'.repeat(300),
];

function setup() {
  // Object.fromEntries defines own keys, so "__proto__" is a server here, not a prototype.
  const fake = createFakeSupervision(Object.fromEntries(NAMES.map((name) => [name, 'running' as ServerStateName])));
  const sessions = new Sessions();
  const app = createApp(fake.deps, sessions);
  const session = sessions.redeem(sessions.issueLoginCode().code)!;
  const request = (path: string, method = 'GET') =>
    app.request(`http://${HOST}${path}`, {
      method,
      headers: { host: HOST, authorization: `Bearer ${TOKEN}`, cookie: `orch_session=${session}` },
    });
  return { fake, request };
}

/** The attribute values of `name="…"` in rendered HTML, unescaped. */
function attributes(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))].map(([, value]) =>
    value!.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

describe('server names in URLs', () => {
  it('the API finds every server by its encoded name, and only that server', async () => {
    const { request, fake } = setup();
    for (const name of NAMES) fake.logs.append(name, 'stderr', `line of ${name}`);
    for (const name of NAMES) {
      const detail = await request(`/api/servers/${nameSegment(name)}`);
      expect(detail.status, name).toBe(200);
      expect((await detail.json()).server.name).toBe(name);
      const logs = await (await request(`/api/servers/${nameSegment(name)}/logs`)).json();
      expect(logs.lines.map((line: { text: string }) => line.text), name).toEqual([`line of ${name}`]);
    }
  });

  it('start, stop and restart by name reach the named server', async () => {
    const { request, fake } = setup();
    for (const name of NAMES) {
      const response = await request(`/api/servers/${nameSegment(name)}/restart`, 'POST');
      expect(response.status, name).toBe(202);
      expect((await response.json()).server.name).toBe(name);
    }
    expect(fake.calls).toEqual(NAMES.map((name) => ({ action: 'restart', names: [name] })));
  });

  it('an encoded slash is one segment; an unencoded one is another route', async () => {
    const { request } = setup();
    expect((await (await request('/api/servers/a%2Fb')).json()).server.name).toBe('a/b');
    expect((await (await request('/api/servers/a%2fb')).json()).server.name).toBe('a/b');
    expect((await (await request('/api/servers/a')).json()).server.name).toBe('a');
    expect((await request('/api/servers/a/b')).status).toBe(404);
  });

  it('the log stream of a name with a slash carries only that server', async () => {
    const { request, fake } = setup();
    fake.logs.append('a', 'stderr', 'of a');
    fake.logs.append('a/b', 'stderr', 'of a/b');
    const response = await request(`/api/servers/${nameSegment('a/b')}/logs/stream?tail=5`);
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('of a/b')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(text).toContain('"text":"of a/b"');
    expect(text).not.toContain('"text":"of a"');
  });

  it('every link, htmx address and log stream on the dashboard leads back to its own server', async () => {
    const { request } = setup();
    const overview = await (await request('/')).text();
    const hrefs = attributes(overview, 'href').filter((href) => href.startsWith('/servers/'));
    expect(hrefs).toHaveLength(NAMES.length);
    const posts = attributes(overview, 'hx-post');
    expect(posts).toHaveLength(NAMES.length * 3);

    for (const [index, name] of NAMES.entries()) {
      const page = await request(hrefs[index]!);
      expect(page.status, name).toBe(200);
      const html = await page.text();
      expect(attributes(html, 'data-server'), name).toContain(name);
      const [live] = attributes(html, 'hx-get');
      const fragment = await request(live!);
      expect(attributes(await fragment.text(), 'data-server'), name).toEqual([name]);
      const [stream] = attributes(html, 'data-stream');
      expect((await request(stream!)).headers.get('content-type'), name).toMatch(/text\/event-stream/);
      expect((await request(`${hrefs[index]!}/log`)).status, name).toBe(200);
    }
    const restarted = await request(posts.find((post) => post.endsWith('/restart') && post.includes('github.com'))!, 'POST');
    expect((await restarted.json()).server.name).toBe('github.com/owner/repo');
  });

  it('an unknown name with a slash gets the 404 page naming it', async () => {
    const { request } = setup();
    const response = await request(`/servers/${nameSegment('no/such')}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('No server named “no/such”');
  });
});
