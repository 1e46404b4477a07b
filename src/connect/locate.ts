/**
 * Where `orch connect NAME` sends its messages: the endpoint of NAME on the daemon of this ORCH_HOME.
 * `locate` makes it so (the daemon started with the remembered config, the server started) and is
 * what a client's message may trigger; `recorded` only reads daemon.json and the token, for the
 * background stream, which must never bring back a daemon the user shut down.
 */
import { nameSegment } from '../config/server-name.js';
import { isOrchError, OrchError } from '../errors.js';
import { mcpPath } from '../gateway/types.js';
import { ensureHome, type OrchHome } from '../home.js';
import type { ServerStatus } from '../status.js';
import { connectDaemon, DaemonClient } from '../cli/client.js';
import type { Endpoint } from './http.js';

/** States from which the server will not serve unless it is started; a disabled one is started by name. */
const AT_REST: ReadonlySet<string> = new Set(['stopped', 'crashed', 'disabled']);

export async function locate(home: OrchHome, server: string, log: (line: string) => void): Promise<Endpoint> {
  let client = tryConnect(home);
  let servers = client === undefined ? undefined : await listOrUnreachable(client);
  if (client === undefined || servers === undefined) {
    client = await launch(home);
    log(`started the orch daemon (pid ${client.info.pid}) on ${client.baseUrl}`);
    servers = (await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers')).servers;
  }
  const status = servers.find((s) => s.name === server);
  if (!status) {
    const known = servers.map((s) => s.name).join(', ') || 'none';
    throw new OrchError('UNKNOWN_SERVER', `unknown server ${server} (known: ${known})`);
  }
  if (status.state === 'remote') {
    throw new OrchError('BAD_REQUEST', `${server} is a remote server: orch does not run it; point the client at ${status.url} instead`);
  }
  if (AT_REST.has(status.state)) {
    await client.request('POST', `/api/servers/${nameSegment(server)}/start`);
    log(`starting ${server} (it was ${status.state})`);
  }
  return endpointOf(client, server);
}

/** The endpoint daemon.json names now, without asking anything of the daemon. */
export function recorded(home: OrchHome, server: string): Endpoint | undefined {
  const client = tryConnect(home);
  return client && endpointOf(client, server);
}

function endpointOf(client: DaemonClient, server: string): Endpoint {
  return { url: `${client.baseUrl}${mcpPath(server)}`, token: client.token, pid: client.info.pid };
}

function tryConnect(home: OrchHome): DaemonClient | undefined {
  try {
    return connectDaemon(home);
  } catch {
    return undefined;
  }
}

/** The servers, or undefined when nothing answers where daemon.json says (a daemon that died). */
async function listOrUnreachable(client: DaemonClient): Promise<ServerStatus[] | undefined> {
  try {
    return (await client.request<{ servers: ServerStatus[] }>('GET', '/api/servers')).servers;
  } catch (error) {
    if (isOrchError(error) && error.code === 'NO_DAEMON') return undefined;
    throw error;
  }
}

/** As `orch start` with no names does: the remembered config, the servers that ran last time. */
async function launch(home: OrchHome): Promise<DaemonClient> {
  const [{ launchDaemon }, { configPath, resolvePort }] = await Promise.all([import('../cli/launch.js'), import('../cli/options.js')]);
  const { client } = await launchDaemon(ensureHome(home), {
    configPath: configPath({}, home),
    port: resolvePort({}),
    host: '127.0.0.1',
    initial: 'saved',
  });
  return client;
}
