/**
 * The JSON API under `/api`: servers, their logs, the event stream, the daemon's health and shutdown.
 * A server's name is one path segment, written with `nameSegment` (so `a/b` arrives as `a%2Fb`, which
 * Hono's `:name` matches and decodes); `nameFromSegment` reads it back.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { nameFromSegment } from '../config/server-name.js';
import { OrchError } from '../errors.js';
import type { LogLine } from '../logs/server-logs.js';
import type { Transition } from '../transitions.js';
import type { Sessions } from './auth.js';
import { readBody } from './body.js';
import type { AppDeps } from './deps.js';
import { sseFrom } from './sse.js';

const ACTIONS = ['start', 'stop', 'restart'] as const;
type Action = (typeof ACTIONS)[number];
const MAX_TAIL = 1_000;

const namesBody = z.object({ names: z.array(z.string().min(1), 'expected a list of server names').optional() }).strict();

export function createApi(deps: AppDeps, sessions: Sessions) {
  const { supervision } = deps;
  const api = new Hono();

  const lastLines = (name: string, limit: number) => (limit === 0 ? [] : supervision.logs.tail(name, limit));
  const act = (action: Action, names?: string[]) => {
    supervision[action](names);
    return (names?.length ? names : supervision.names()).map((name) => supervision.status(name));
  };

  api.get('/servers', (c) => c.json({ servers: supervision.statuses() }));

  for (const action of ACTIONS) {
    api.post(`/servers/${action}`, async (c) => {
      const { names } = await readBody(c, namesBody);
      return c.json({ servers: act(action, names) }, 202);
    });
    api.post(`/servers/:name/${action}`, (c) => c.json({ server: act(action, [nameFromSegment(c.req.param('name'))])[0] }, 202));
  }

  api.get('/servers/:name', (c) => c.json({ server: supervision.detail(nameFromSegment(c.req.param('name'))) }));

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
      subscribe: (push) => supervision.logs.subscribe((line) => line.server === name && push(line)),
    });
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
