/**
 * `orch serve`'s HTTP surface: one server's MCP endpoint and metrics behind the token, and the two
 * probes Kubernetes sends without one. `/livez` is orch's own liveness (its event loop answers),
 * never the server's, so a crash-looping server does not get its supervisor killed; `/readyz` is
 * 200 only while the server is `running` (its last check passed).
 */
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from '../http/errors.js';
import { formatMetrics, gatewayMetrics } from '../http/prometheus.js';
import type { DaemonHealth, GatewayReadout } from '../http/deps.js';
import { mcpPath } from '../gateway/types.js';
import type { ServerStatus } from '../status.js';
import { sameSecret } from '../http/auth.js';

export interface ServeAppDeps {
  server: string;
  token: string;
  status(): ServerStatus;
  health(): DaemonHealth;
  gateway: GatewayReadout;
  mcp(request: Request): Promise<Response>;
  /** Origins a browser-borne request may come from; any other `Origin` is refused. */
  allowedOrigins: ReadonlySet<string>;
}

export function createServeApp(deps: ServeAppDeps) {
  const app = new Hono();
  app.notFound((c) => errorResponse(c, 404, 'NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((_error, c) => errorResponse(c, 500, 'INTERNAL', 'internal error'));

  app.get('/livez', (c) => c.json({ status: 'ok', eventLoopDelayMs: deps.health().eventLoopDelay.p99Ms }));
  app.get('/readyz', (c) => {
    // Only what a probe needs to decide: the state and why, nothing about the command or its env.
    const { state, reason } = deps.status();
    return c.json({ ready: state === 'running', server: deps.server, state, reason }, state === 'running' ? 200 : 503);
  });

  const guarded: MiddlewareHandler = async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !deps.allowedOrigins.has(origin)) {
      return errorResponse(c, 403, 'FORBIDDEN_ORIGIN', `requests from ${origin} may not use this endpoint`);
    }
    const header = c.req.header('authorization');
    if (!header?.startsWith('Bearer ') || !sameSecret(header.slice('Bearer '.length).trim(), deps.token)) {
      return errorResponse(c, 401, 'UNAUTHORIZED', 'send Authorization: Bearer <ORCH_TOKEN>');
    }
    await next();
  };
  app.use('/mcp/*', guarded);
  app.use('/metrics', guarded);
  app.all(mcpPath(deps.server), (c) => deps.mcp(c.req.raw));
  app.get('/metrics', (c) =>
    c.text(formatMetrics([deps.status()], deps.health(), gatewayMetrics(deps.gateway)), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  );
  return app;
}
