/**
 * The daemon's HTTP surface as a Hono app, built from its dependencies so tests call `app.request()`
 * without a socket: the JSON API under `/api`, `/metrics`, the one-time login link, and the dashboard.
 */
import { Hono } from 'hono';
import { LoginNeeded } from '../../ui/login.js';
import { bodyLimit } from 'hono/body-limit';
import { setCookie } from 'hono/cookie';
import { createApi } from './api.js';
import { allowedHosts, hostGuard, originGuard, requireAuth, SESSION_COOKIE, Sessions } from './auth.js';
import type { AppDeps } from './deps.js';
import { errorResponse, handleError } from './errors.js';
import { createPages } from './pages.js';
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

  app.onError((error, c) => handleError(error, c, deps.onInternalError));
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.use('*', hostGuard(currentHosts));

  app.get('/login', (c) => {
    const session = sessions.redeem(c.req.query('token') ?? '');
    if (!session) return c.html(LoginNeeded({ expired: true }), 401);
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
  app.route('/', createPages(deps, sessions));
  return app;
}
