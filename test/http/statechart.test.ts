/** The development-mode statechart page through `app.request()`: an ELK-laid-out SVG diagram of the server machine. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { Sessions } from '../../src/http/auth.js';
import { transitionLabel } from '../../src/http/chart-layout.js';
import { chartOf, stateIds, type ChartState } from '../../src/machines/chart.js';
import { serverMachine } from '../../src/machines/server.machine.js';
import { createFakeSupervision, PORT } from './fake-supervision.js';

const HOST = `127.0.0.1:${PORT}`;
const chart = chartOf(serverMachine);

function setup(states: Parameters<typeof createFakeSupervision>[0], dev = true) {
  const fake = createFakeSupervision(states);
  const sessions = new Sessions();
  const app = createApp({ ...fake.deps, dev }, sessions);
  const session = sessions.redeem(sessions.issueLoginCode().code)!;
  const get = async (path: string) => {
    const response = await app.request(`http://${HOST}${path}`, { headers: { host: HOST, cookie: `orch_session=${session}` } });
    return { status: response.status, html: await response.text() };
  };
  return { fake, get };
}

/** The `<g>` of each state in the SVG, by state id, with its class list. */
function stateGroups(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<g class="([^"]*)" data-state-id="([^"]+)"/g)].map((m) => [m[2]!, m[1]!]));
}

const decode = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('statechart page', () => {
  it('exists only in development', async () => {
    expect((await setup({ memory: 'running' }, false).get('/statechart')).status).toBe(404);
  });

  it('draws an SVG with a box per state and a labelled, routed edge per transition', async () => {
    const { status, html } = await setup({ memory: 'running', files: 'stopped' }).get('/statechart');
    expect(status).toBe(200);
    expect(html).toMatch(/<svg class="statechart"[^>]* viewBox="0 0 \d+ \d+"/);
    const groups = stateGroups(html);
    const states = stateIds(chart).filter((id) => id !== chart.id);
    expect([...groups.keys()].sort()).toEqual([...states].sort());
    // Compound states are containers: their box holds each child's box.
    const box = (id: string) => {
      const m = new RegExp(`data-state-id="${id.replace(/\./g, '\\.')}"[^>]*>.*?<rect x="([\\d.]+)" y="([\\d.]+)" width="([\\d.]+)" height="([\\d.]+)"`).exec(html)!;
      const [x, y, w, h] = m.slice(1).map(Number) as [number, number, number, number];
      return { x, y, right: x + w, bottom: y + h };
    };
    const outer = box('server.active.running');
    for (const inner of [box('server.active.running.waiting'), box('server.active.running.checking')]) {
      expect(inner.x).toBeGreaterThan(outer.x);
      expect(inner.y).toBeGreaterThan(outer.y);
      expect(inner.right).toBeLessThan(outer.right);
      expect(inner.bottom).toBeLessThan(outer.bottom);
    }
    expect(groups.get('server.active')).toContain('compound');
    expect(groups.get('server.crashed')).toContain('leaf');

    const edges = [...html.matchAll(/<g class="chart-edge" data-source="([^"]+)" data-target="([^"]+)" data-label="([^"]+)"><path d="(M[^"]+)"[^>]*>.*?<text[^>]*>([^<]+)<\/text>/g)].map((m) => ({
      source: m[1],
      target: m[2],
      label: decode(m[3]!),
      path: m[4]!,
      text: decode(m[5]!),
    }));
    const expected = (state: ChartState): { source: string; target: string; label: string }[] => [
      ...(state === chart ? [] : state.transitions.map((t) => ({ source: state.id, target: t.target, label: transitionLabel(t.event, t.guard) }))),
      ...state.children.flatMap(expected),
    ];
    expect(edges.map(({ source, target, label }) => ({ source, target, label }))).toEqual(expected(chart));
    for (const edge of edges) {
      expect(edge.text).toBe(edge.label);
      expect(edge.path).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
    }
    expect(edges).toContainEqual(expect.objectContaining({ source: 'server.active.running.checking', label: 'after probeTimeout [failureThresholdReached]' }));
  });

  it('highlights the states of the chosen server, and follows it when it changes state', async () => {
    const { get, fake } = setup({ memory: 'running', files: 'stopped' });
    const lit = (html: string) => [...stateGroups(html)].filter(([, classes]) => classes.split(' ').includes('current')).map(([id]) => id);

    // No choice: the first server.
    const page = await get('/statechart');
    expect(lit(page.html)).toEqual(['server.active', 'server.active.running', 'server.active.running.waiting']);
    expect(page.html).toMatch(/<option value="memory" selected="">memory<\/option>/);
    expect(page.html).toContain('data-state-id="server.stopped" data-servers="files"');

    expect(lit((await get('/statechart?server=files')).html)).toEqual(['server.stopped']);
    expect(lit((await get('/ui/statechart?server=files')).html)).toEqual(['server.stopped']);

    fake.statuses.get('memory')!.state = 'crashed';
    const fragment = await get('/ui/statechart?server=memory');
    expect(fragment.html.startsWith('<svg')).toBe(true);
    expect(lit(fragment.html)).toEqual(['server.crashed']);
  });
});
