/**
 * The dashboard: pages rendered on the server with hono/jsx, made live by htmx fragments under `/ui`.
 * Without a session every page shows how to get in, never the data.
 */
import { readFile } from 'node:fs/promises';
import { Hono, type Context } from 'hono';
import { PageTitle } from '../../ui/components.js';
import { DetailLive, DetailPage, detailTitle } from '../../ui/detail.js';
import { EventRows, EventsPage } from '../../ui/events.js';
import { LoginNeeded } from '../../ui/login.js';
import { DaemonFigures, OverviewLive, OverviewPage, overviewTitle } from '../../ui/overview.js';
import { ChartView, StatechartPage } from '../../ui/statechart.js';
import { UnknownServerPage } from '../../ui/unknown-server.js';
import { nameFromSegment } from '../config/server-name.js';
import { isOrchError } from '../errors.js';
import { activeStateIds, chartOf } from '../machines/chart.js';
import { serverMachine } from '../machines/server.machine.js';
import { VERSION } from '../version.js';
import { loadAssets } from './assets.js';
import { layoutChart, type ChartLayout } from './chart-layout.js';
import { isAuthenticated, type Sessions } from './auth.js';
import type { AppDeps } from './deps.js';
import { handleError } from './errors.js';
import { callRates, withGateway } from './gateway-view.js';

const EVENTS_SHOWN = 200;

export function createPages(deps: AppDeps, sessions: Sessions) {
  const { supervision } = deps;
  const dev = deps.dev ?? false;
  const pages = new Hono();
  const assets = loadAssets();
  const chart = chartOf(serverMachine);

  // A person followed a link here: an unknown server gets a page, not the API's JSON.
  pages.onError((error, c) =>
    isOrchError(error) && error.code === 'UNKNOWN_SERVER'
      ? c.html(<UnknownServerPage name={nameFromSegment(c.req.param('name') ?? '')} known={supervision.names()} dev={dev} version={VERSION} />, 404)
      : handleError(error, c, deps.onInternalError),
  );

  const serveAsset = (file: string) => (c: Context) => {
    const asset = assets.get(file);
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
  };
  pages.get('/assets/:file', (c) => serveAsset(c.req.param('file'))(c));
  // Where browsers and other clients look without a <link rel="icon">: the same SVG, not a 404.
  pages.get('/favicon.ico', serveAsset('favicon.svg'));

  pages.use('*', async (c, next) => {
    if (c.req.path.startsWith('/assets/')) return next();
    if (!isAuthenticated(c, deps.token, sessions)) return c.html(<LoginNeeded />, 401);
    await next();
  });

  pages.get('/', (c) => {
    const servers = supervision.statuses();
    return c.html(
      <OverviewPage
        servers={servers}
        calls={callRates(servers, deps.gateway)}
        groups={supervision.groups()}
        config={supervision.configPath()}
        health={deps.health()}
        dev={dev}
        version={VERSION}
      />,
    );
  });
  pages.get('/ui/overview', (c) => {
    const servers = supervision.statuses();
    return c.html(
      <>
        <PageTitle title={overviewTitle(servers)} />
        <OverviewLive
          servers={servers}
          calls={callRates(servers, deps.gateway)}
          groups={supervision.groups()}
          filter={{ name: c.req.query('name'), state: c.req.query('state') }}
        />
      </>,
    );
  });

  pages.get('/ui/daemon', (c) => c.html(<DaemonFigures health={deps.health()} />));

  const detail = (name: string) => withGateway(supervision.detail(name), deps.gateway, deps.port());
  pages.get('/servers/:name', (c) => {
    const name = nameFromSegment(c.req.param('name'));
    const server = detail(name);
    return c.html(<DetailPage server={server} dev={dev} version={VERSION} hasLogFile={supervision.logs.filePath(name) !== undefined} />);
  });
  pages.get('/ui/servers/:name', (c) => {
    const server = detail(nameFromSegment(c.req.param('name')));
    return c.html(
      <>
        <PageTitle title={detailTitle(server)} />
        <DetailLive server={server} />
      </>,
    );
  });
  pages.get('/servers/:name/log', async (c) => {
    const name = nameFromSegment(c.req.param('name'));
    supervision.status(name);
    const path = supervision.logs.filePath(name);
    const text = path ? await readFile(path, 'utf8').catch(() => '') : '';
    return c.body(text, 200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.log"`,
    });
  });

  const newestEvents = () => supervision.events.list({ limit: EVENTS_SHOWN }).reverse();
  pages.get('/events', (c) => c.html(<EventsPage events={newestEvents()} hooks={deps.hooks?.() ?? []} dev={dev} version={VERSION} />));
  pages.get('/ui/events', (c) => c.html(<EventRows events={newestEvents()} />));

  if (dev) {
    const current = () => {
      const map = new Map<string, string[]>();
      for (const name of supervision.names()) {
        for (const id of activeStateIds(chart.id, supervision.stateValue(name))) map.set(id, [...(map.get(id) ?? []), name]);
      }
      return map;
    };
    // Laid out once, on the first visit: the chart is fixed, only the highlight changes.
    let layout: Promise<ChartLayout> | undefined;
    const view = async (server: string | undefined) => {
      const names = supervision.names();
      const chosen = server !== undefined && names.includes(server) ? server : names[0];
      return { layout: await (layout ??= layoutChart(chart)), current: current(), chosen, servers: names };
    };
    pages.get('/statechart', async (c) => c.html(<StatechartPage {...await view(c.req.query('server'))} version={VERSION} />));
    pages.get('/ui/statechart', async (c) => c.html(<ChartView {...await view(c.req.query('server'))} />));
  }
  return pages;
}
