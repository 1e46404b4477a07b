/**
 * The JSON API under `/api`: servers, their logs, the event stream, webhook deliveries, the daemon's health and shutdown.
 * A server's name is one path segment, written with `nameSegment` (so `a/b` arrives as `a%2Fb`, which
 * Hono's `:name` matches and decodes); `nameFromSegment` reads it back.
 */
import { Hono } from 'hono';
import { nameFromSegment } from '../config/server-name.js';
import { OrchError } from '../errors.js';
import type { LogLine } from '../logs/server-logs.js';
import type { Transition } from '../transitions.js';
import * as z from '../zod.js';
import type { Sessions } from './auth.js';
import { readBody } from './body.js';
import type { ActionResult } from '../system.js';
import type { AppDeps } from './deps.js';
import { withGateway } from './gateway-view.js';
import { sseFrom } from './sse.js';

const MAX_TAIL = 1_000;

const namesBody = z.strictObject({ names: z.optional(z.array(z.string().check(z.minLength(1)), 'expected a list of server names')) });
const reloadBody = z.strictObject({ config: z.optional(z.string().check(z.minLength(1, 'expected a config file path'))) });

export function createApi(deps: AppDeps, sessions: Sessions) {
  const { supervision } = deps;
  const api = new Hono();

  const lastLines = (name: string, limit: number) => (limit === 0 ? [] : supervision.logs.tail(name, limit));
  const one = (result: ActionResult) => ({ server: result.servers[0], acted: result.acted, notes: result.notes });

  api.get('/servers', (c) => c.json({ servers: supervision.statuses() }));

  // Written out one by one, so that a search for '/restart' finds its routes.
  api.post('/servers/start', async (c) => c.json(supervision.start((await readBody(c, namesBody)).names), 202));
  api.post('/servers/stop', async (c) => c.json(supervision.stop((await readBody(c, namesBody)).names), 202));
  api.post('/servers/restart', async (c) => c.json(supervision.restart((await readBody(c, namesBody)).names), 202));
  api.post('/servers/:name/start', (c) => c.json(one(supervision.start([nameFromSegment(c.req.param('name'))])), 202));
  api.post('/servers/:name/stop', (c) => c.json(one(supervision.stop([nameFromSegment(c.req.param('name'))])), 202));
  api.post('/servers/:name/restart', (c) => c.json(one(supervision.restart([nameFromSegment(c.req.param('name'))])), 202));

  api.post('/reload', async (c) => {
    const { config } = await readBody(c, reloadBody);
    return c.json(await supervision.reload(config));
  });

  api.get('/servers/:name', (c) =>
    c.json({ server: withGateway(supervision.detail(nameFromSegment(c.req.param('name'))), deps.gateway, deps.port()) }),
  );

  api.get('/servers/:name/describe', async (c) => c.json({ server: await supervision.describe(nameFromSegment(c.req.param('name'))) }));

  api.get('/servers/:name/logs', (c) => {
    const name = nameFromSegment(c.req.param('name'));
    supervision.status(name);
    return c.json({ lines: lastLines(name, tailParam(c.req.query('tail'), 100)) });
  });

  api.get('/servers/:name/logs/stream', (c) => {
    const name = nameFromSegment(c.req.param('name'));
    supervision.status(name);
    const tail = tailParam(c.req.query('tail'), 0);
    return sseFrom<LogLine>(c, {
      event: 'log',
      backlog: () => lastLines(name, tail),
      subscribe: (push) => supervision.logs.subscribe(push, name),
    });
  });

  api.post('/servers/:name/logs/flush', async (c) => {
    const name = nameFromSegment(c.req.param('name'));
    supervision.status(name);
    await supervision.logs.flush(name);
    return c.json({ flushed: [name] });
  });

  // Every server's lines in one stream, for `orch logs -f` without a name.
  api.get('/logs/stream', (c) => {
    const tail = tailParam(c.req.query('tail'), 0);
    const backlog = () =>
      tail === 0 ? [] : supervision.names().flatMap((name) => lastLines(name, tail)).sort((a, b) => a.time - b.time).slice(-tail);
    return sseFrom<LogLine>(c, { event: 'log', backlog, subscribe: (push) => supervision.logs.subscribe(push) });
  });

  api.post('/logs/flush', async (c) => {
    // Remote servers have no logs of orch's.
    const names = supervision.statuses().filter((server) => server.state !== 'remote').map((server) => server.name);
    await Promise.all(names.map((name) => supervision.logs.flush(name)));
    return c.json({ flushed: names });
  });

  api.get('/events', (c) => {
    const server = c.req.query('server');
    if (server !== undefined) supervision.status(server);
    const stream = c.req.header('accept')?.includes('text/event-stream') ?? false;
    const limit = tailParam(c.req.query('tail'), stream ? 0 : 100);
    const recent = () => (limit === 0 ? [] : supervision.events.list({ server, limit }));
    // As JSON newest first, like a timeline; as a stream in the order they happened.
    if (!stream) return c.json({ events: recent().reverse() });
    return sseFrom<Transition>(c, {
      event: 'transition',
      backlog: recent,
      subscribe: (push) => supervision.subscribe((t) => (server === undefined || t.server === server) && push(t)),
    });
  });

  api.get('/health', (c) => c.json(deps.health()));

  api.get('/hooks', (c) => c.json({ hooks: deps.hooks?.() ?? [] }));

  api.post('/shutdown', (c) => {
    // After the response is on its way: the client learns the request was taken.
    setImmediate(() => deps.shutdown());
    return c.json({ shuttingDown: true }, 202);
  });

  api.post('/login-links', (c) => {
    const { code, expiresAt } = sessions.issueLoginCode();
    const url = new URL(c.req.url);
    return c.json({ url: `${url.protocol}//${c.req.header('host')}/login?token=${code}`, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });

  return api;
}

function tailParam(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new OrchError('BAD_REQUEST', `tail: expected a whole number, got "${value}"`, { field: 'tail' });
  return Math.min(Number(value), MAX_TAIL);
}
