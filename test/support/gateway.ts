/** An orchestrator's gateway behind a real loopback socket, as the daemon serves it, for MCP clients to reach. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { serveMcp } from '../../src/gateway/endpoint.js';
import { mcpPath } from '../../src/gateway/types.js';
import { createApp } from '../../src/http/app.js';
import type { Supervision } from '../../src/http/deps.js';
import type { Orchestrator } from '../../src/system.js';

export const TEST_TOKEN = 'gateway-test-token';

export interface ServedGateway {
  url(server: string): URL;
  close(): Promise<void>;
}

/** `port` 0 picks a free one; a test that restarts the gateway passes the old one so clients find it again. */
export async function serveGateway(orch: Orchestrator, listenPort = 0): Promise<ServedGateway & { port: number }> {
  let port = 0;
  const app = createApp({
    supervision: orch as unknown as Supervision,
    token: TEST_TOKEN,
    port: () => port,
    health: () => {
      throw new Error('not used');
    },
    shutdown: () => {},
    gateway: { calls: orch.calls, sessions: (n) => orch.gateway.sessionsOf(n), inFlight: (n) => orch.gateway.inFlight(n), endpoint: mcpPath },
    mcp: (name, request) => serveMcp(orch.gateway, name, request),
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: listenPort });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (name) => new URL(`http://127.0.0.1:${port}${mcpPath(name)}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/** The SDK's own client over its Streamable HTTP transport, speaking the 2025 generation unless told otherwise. */
export async function connectClient(
  url: URL,
  options: { name?: string; modern?: boolean; capabilities?: Record<string, unknown> } = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { authorization: `Bearer ${TEST_TOKEN}` } },
  });
  const client = new Client(
    { name: options.name ?? 'gateway-test', version: '1.0.0' },
    {
      capabilities: options.capabilities ?? {},
      ...(options.modern && { versionNegotiation: { mode: 'auto' } }),
    },
  );
  await client.connect(transport);
  return { client, transport };
}
