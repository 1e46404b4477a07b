/**
 * The daemon's HTTP surface as a Hono app, built from its dependencies so tests call `app.request()`
 * without a socket: the JSON API under `/api`, `/metrics`, the one-time login link, and the dashboard.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { setCookie } from 'hono/cookie';
import { createApi } from './api.js';
import { allowedHosts, hostGuard, originGuard, requireAuth, SESSION_COOKIE, Sessions } from './auth.js';
import type { AppDeps } from './deps.js';
import { errorResponse, handleError } from './errors.js';
import { formatMetrics, gatewayMetrics } from './prometheus.js';

/** Every API body is a short list of names: a megabyte is generous, and bounds what a request can cost. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function createApp(deps: AppDeps, sessions = new Sessions()) {
  const app = new Hono();
  let hosts: { port: number; set: Set<string> } | undefined;
  const currentHosts = () => {
    const port = deps.port();
    if (hosts?.port !== port) hosts = { port, set: allowedHosts(port, deps.host) };
    return hosts.set;
  };

  const notFound = (c: Context) => errorResponse(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`);
  app.onError((error, c) => handleError(error, c, deps.onInternalError));
  app.notFound(notFound);
  app.use('*', hostGuard(currentHosts));

  app.get('/login', async (c) => {
    const session = sessions.redeem(c.req.query('token') ?? '');
    if (!session) {
      // A page of the dashboard's, loaded like the rest of it (below) when first shown.
      const { LoginNeeded } = await import('../../ui/login.js');
      return c.html(LoginNeeded({ expired: true }), 401);
    }
    setCookie(c, SESSION_COOKIE, session, { httpOnly: true, sameSite: 'Strict', path: '/' });
    return c.redirect('/', 303);
  });

  app.use('/api/*', requireAuth(deps.token, sessions));
  // After the token check, so nobody unauthenticated gets a body read at all.
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `the request body is over ${MAX_BODY_BYTES / 1024 / 1024} MiB`),
    }),
  );
  app.use('/metrics', requireAuth(deps.token, sessions));
  const mcp = deps.mcp;
  if (mcp) {
    // MCP clients stream with GET too: a foreign Origin is refused whatever the method.
    app.use('/mcp/*', originGuard(currentHosts), requireAuth(deps.token, sessions));
    app.all('/mcp/:name', (c) => mcp(c.req.param('name'), c.req.raw));
  }
  app.route('/api', createApi(deps, sessions));
  app.get('/metrics', (c) =>
    c.text(formatMetrics(deps.supervision.statuses(), deps.health(), gatewayMetrics(deps.gateway)), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );
  // The dashboard (templates, the assets it serves, the statechart) loads on its first request, not
  // at boot: a daemon whose dashboard nobody opens never holds it. It gets every request the routes
  // above leave, as when it was mounted here, and answers what it does not know with the same 404.
  let pages: Promise<Hono> | undefined;
  const dashboard = () => (pages ??= import('./pages.js').then(({ createPages }) => createPages(deps, sessions).notFound(notFound)));
  app.all('*', async (c) => (await dashboard()).fetch(c.req.raw, c.env));
  return app;
}
