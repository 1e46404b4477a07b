/** Real `server-everything` behind orch's gateway, reached with the MCP SDK's own Streamable HTTP client. */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../src/config/load.js';
import { bootOrchestrator, eventually, nodeServer, type TestOrchestrator } from '../support/orchestrator.js';
import { connectClient, serveGateway, type ServedGateway } from '../support/gateway.js';

const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');

function everything(): ServerDefinition {
  return nodeServer('everything', [EVERYTHING, 'stdio'], { start: { timeoutMs: 15_000 } });
}

let orch: TestOrchestrator | undefined;
let served: ServedGateway | undefined;
afterEach(async () => {
  await served?.close();
  await orch?.shutdown();
  orch = undefined;
  served = undefined;
});

async function boot() {
  orch = bootOrchestrator([everything()]);
  orch.start();
  await orch.waitForState('everything', 'running', 20_000);
  served = await serveGateway(orch);
  return served;
}

describe('server-everything through /mcp/everything', () => {
  it('lists tools and answers echo and get-sum', async () => {
    const gateway = await boot();
    const { client } = await connectClient(gateway.url('everything'));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('echo');
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'hello through orch' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hello through orch' }]);
    const sum = await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } });
    expect(JSON.stringify(sum.content)).toContain('42');
    await client.close();
  });

  it('runs a long operation with progress, cancels one at the backend, and delivers resource updates', async () => {
    const gateway = await boot();
    const { client } = await connectClient(gateway.url('everything'));
    const progress: number[] = [];
    const done = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 0.6, steps: 3 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(JSON.stringify(done.content)).toContain('completed');
    expect(progress).toEqual([1, 2, 3]);

    const abort = new AbortController();
    const cancelled = client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 30, steps: 3 } }, { signal: abort.signal });
    await eventually(() => orch!.gateway.inFlight('everything') === 1);
    abort.abort();
    await expect(cancelled).rejects.toThrow();
    await eventually(() => orch!.gateway.inFlight('everything') === 0);

    const updated: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
    const { resources } = await client.listResources();
    const uri = resources[0]!.uri;
    await client.subscribeResource({ uri });
    await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await eventually(() => updated.includes(uri), 10_000);
    await client.close();
  });

  it('8 sessions × 50 echo calls at once: every reply reaches only the session that asked', async () => {
    const gateway = await boot();
    const sessions = await Promise.all(Array.from({ length: 8 }, (_, i) => connectClient(gateway.url('everything'), { name: `client-${i}` })));
    const wrong: string[] = [];
    await Promise.all(
      sessions.map(async ({ client }, i) => {
        await Promise.all(
          Array.from({ length: 50 }, async (_, j) => {
            const message = `session ${i} call ${j}`;
            const result = await client.callTool({ name: 'echo', arguments: { message } });
            const got = (result.content as { text: string }[])[0]!.text;
            if (got !== `Echo: ${message}`) wrong.push(`${message} got ${got}`);
          }),
        );
      }),
    );
    expect(wrong).toEqual([]);
    expect(orch!.calls.summary('everything').find((row) => row.tool === 'echo')?.calls).toBe(400);
    expect(orch!.gateway.sessionsOf('everything')).toHaveLength(8);
    await Promise.all(sessions.map(({ client }) => client.close()));
  });
});
