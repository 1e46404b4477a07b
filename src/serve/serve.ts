/**
 * `orch serve --server NAME`: orch for one server in the foreground, a container's entrypoint. The
 * server runs as its child, supervised exactly as on a laptop; its endpoint, metrics and the
 * Kubernetes probes are served over HTTP; everything it says goes to stdout as JSON lines, for
 * `kubectl logs`; SIGTERM runs the normal stop sequence.
 */
import type { AddressInfo } from 'node:net';
import { formatWithOptions } from 'node:util';
import { serve } from '@hono/node-server';
import { createConsola } from 'consola';
import { loadConfig } from '../config/load.js';
import { readToken } from '../daemon/daemon-file.js';
import { createSelfHealth } from '../daemon/self-health.js';
import { createToken } from '../daemon/token.js';
import { OrchError } from '../errors.js';
import { SessionIds } from '../gateway/session-ids.js';
import { mcpPath } from '../gateway/types.js';
import { ensureHome, resolveHome } from '../home.js';
import { createOrchestrator } from '../system.js';
import { VERSION } from '../version.js';
import { createServeApp } from './serve-app.js';

export interface ServeOptions {
  server: string;
  configPath: string;
  host: string;
  port: number;
  /** A token given from outside (`ORCH_TOKEN`, `--token-file`); else the one in `$ORCH_HOME`. */
  token?: string;
  allowedOrigins: string[];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** One JSON object a line: what `kubectl logs` shows and log shippers parse. */
function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
}

export async function runServe(options: ServeOptions): Promise<void> {
  const beyondLoopback = !LOOPBACK.has(options.host);
  if (beyondLoopback && options.token === undefined) {
    throw new OrchError('USAGE', `--host ${options.host} listens beyond this machine: give the token with ORCH_TOKEN or --token-file`);
  }
  if (beyondLoopback && options.allowedOrigins.length === 0) {
    throw new OrchError('USAGE', `--host ${options.host} listens beyond this machine: name the browser origins allowed with --allow-origin (repeatable)`);
  }
  const config = await loadConfig(options.configPath);
  const definition = config.servers.find((server) => server.name === options.server);
  if (!definition) {
    const remote = config.remote.some((server) => server.name === options.server);
    throw new OrchError(
      'UNKNOWN_SERVER',
      remote
        ? `${options.server} is a remote server in ${options.configPath}: orch serve runs servers it can start`
        : `no server named ${options.server} in ${options.configPath} (it has ${config.servers.map((s) => s.name).join(', ') || 'none'})`,
    );
  }
  const home = ensureHome(resolveHome());
  const token = options.token ?? readToken(home.tokenFile) ?? createToken(home.tokenFile);

  const logger = createConsola({
    level: 3,
    reporters: [{ log: (entry) => emit({ type: 'orch', level: entry.type, message: formatWithOptions({ colors: false }, ...entry.args) }) }],
  });
  const orch = createOrchestrator({
    config: { ...config, servers: [{ ...definition, disabled: false }], remote: [], webhooks: [] },
    logger,
    sessionIds: SessionIds.load(home.sessionKeyFile),
    onTransition: (transition) => emit({ type: 'transition', ...transition, time: new Date(transition.time).toISOString() }),
    onFailure: () => process.exit(1),
  });
  orch.logs.subscribe((line) => emit({ type: 'log', server: line.server, stream: line.stream, text: line.text }));
  const health = createSelfHealth();
  let endpoint: Promise<typeof import('../gateway/endpoint.js')> | undefined;
  const app = createServeApp({
    server: options.server,
    token,
    status: () => orch.status(options.server),
    health: () => ({ ...health.read(), config: config.path }),
    gateway: {
      calls: orch.calls,
      sessions: (name) => orch.gateway.sessionsOf(name),
      inFlight: (name) => orch.gateway.inFlight(name),
      endpoint: mcpPath,
    },
    mcp: async (request) => (await (endpoint ??= import('../gateway/endpoint.js'))).serveMcp(orch.gateway, options.server, request),
    allowedOrigins: new Set(options.allowedOrigins),
  });
  const http = serve({ fetch: app.fetch, hostname: options.host, port: options.port });
  await new Promise<void>((resolve, reject) => {
    http.once('listening', resolve);
    http.once('error', (error: NodeJS.ErrnoException) =>
      reject(new OrchError(error.code === 'EADDRINUSE' ? 'PORT_IN_USE' : 'DAEMON_FAILED', `could not listen on ${options.host}:${options.port}: ${error.message}`)),
    );
  });
  const port = (http.address() as AddressInfo).port;
  emit({ type: 'listening', version: VERSION, server: options.server, host: options.host, port, endpoint: mcpPath(options.server) });
  orch.start([options.server]);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    emit({ type: 'orch', level: 'info', message: `${signal}: stopping ${options.server}` });
    http.close();
    await orch.shutdown();
    health.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
