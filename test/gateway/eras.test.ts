/** Clients and backends of either protocol generation meeting through orch's endpoint. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../src/config/load.js';
import { bootOrchestrator, nodeServer, type TestOrchestrator } from '../support/orchestrator.js';
import { connectClient, serveGateway, type ServedGateway } from '../support/gateway.js';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const MODERN = fileURLToPath(new URL('../fixtures/modern-server.mjs', import.meta.url));
const TELL = fileURLToPath(new URL('../fixtures/gateway-server.mjs', import.meta.url));

function server(name: string, args: string[]): ServerDefinition {
  return nodeServer(name, args, { start: { timeoutMs: 15_000 } });
}

let orch: TestOrchestrator | undefined;
let served: ServedGateway | undefined;
afterEach(async () => {
  await served?.close();
  await orch?.shutdown();
  orch = undefined;
  served = undefined;
});

async function boot(...servers: ServerDefinition[]) {
  orch = bootOrchestrator(servers);
  orch.start();
  for (const { name } of servers) await orch.waitForState(name, 'running', 20_000);
  served = await serveGateway(orch);
  return served;
}

function text(result: { content?: unknown }): string {
  return ((result.content as { text?: string }[] | undefined) ?? []).map((item) => item.text ?? '').join('');
}

describe('protocol generations through orch', () => {
  it('a 2026-07-28 client (server/discover, stateless) and a 2025-11-25 client at once, on a 2025-era server', async () => {
    const gateway = await boot(server('everything', [EVERYTHING, 'stdio']));
    const modern = await connectClient(gateway.url('everything'), { name: 'modern', modern: true });
    const legacy = await connectClient(gateway.url('everything'), { name: 'legacy' });
    expect(modern.client.getNegotiatedProtocolVersion?.() ?? modern.transport.protocolVersion).toBe('2026-07-28');
    expect(legacy.transport.sessionId).toBeDefined();
    expect(modern.transport.sessionId).toBeUndefined();
    const [a, b] = await Promise.all([
      modern.client.callTool({ name: 'echo', arguments: { message: 'from 2026' } }),
      legacy.client.callTool({ name: 'echo', arguments: { message: 'from 2025' } }),
    ]);
    expect(text(a)).toBe('Echo: from 2026');
    expect(text(b)).toBe('Echo: from 2025');
    expect(modern.client.getServerVersion()?.name).toBe(legacy.client.getServerVersion()?.name);
    await modern.client.close();
    await legacy.client.close();
  });

  it('a 2025-11-25 client through a server that speaks only 2026-07-28 (serveStdio, legacy: reject)', async () => {
    const gateway = await boot(server('modern', [MODERN]));
    expect(orch!.snapshot('modern').context.protocol?.generation).toBe('2026-07-28');
    const { client, transport } = await connectClient(gateway.url('modern'), { name: 'old-client' });
    expect(transport.sessionId).toBeDefined();
    expect(client.getServerVersion()).toMatchObject({ name: 'modern-fixture', version: '2.0.0' });
    expect(client.getInstructions()).toBe('Only the new generation.');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['ask', 'echo', 'whoami']);
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'across the eras' } }))).toBe('across the eras');
    const envelope = JSON.parse(text(await client.callTool({ name: 'whoami', arguments: {} }))) as Record<string, unknown>;
    expect(envelope['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
    expect(envelope['io.modelcontextprotocol/clientInfo']).toMatchObject({ name: 'old-client' });
    await client.close();
  });

  it('a 2026 backend’s input_required reaches a 2025 client as elicitation/create, and a clear error without the capability', async () => {
    const gateway = await boot(server('modern', [MODERN]));
    const able = await connectClient(gateway.url('modern'), { name: 'able', capabilities: { elicitation: {} } });
    able.client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Ada' } }));
    expect(text(await able.client.callTool({ name: 'ask', arguments: {} }))).toBe('hello Ada (asked-once)');
    const unable = await connectClient(gateway.url('modern'), { name: 'unable' });
    await expect(unable.client.callTool({ name: 'ask', arguments: {} })).rejects.toThrow(/elicitation.*(do not declare|did not declare)/);
    await able.client.close();
    await unable.client.close();
  });

  it('a 2025 backend’s elicitation reaches a 2026 client as input_required, and its retry carries the answer back', async () => {
    const gateway = await boot(server('tell', [TELL]));
    const { client } = await connectClient(gateway.url('tell'), { name: 'modern', modern: true, capabilities: { elicitation: {} } });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'Grace' } }));
    expect(text(await client.callTool({ name: 'ask', arguments: {} }))).toContain('Grace');
    await client.close();
  });
});
