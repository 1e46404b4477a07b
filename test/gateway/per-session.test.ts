/** `gateway.sharing: per-session`: each client session gets its own supervised process, capped and reaped. */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerDefinition } from '../../src/config/load.js';
import { bootOrchestrator, eventually, nodeServer, isAlive, type TestOrchestrator } from '../support/orchestrator.js';
import { connectClient, serveGateway, TEST_TOKEN, type ServedGateway } from '../support/gateway.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/gateway-server.mjs', import.meta.url));

function perSession(): ServerDefinition {
  return nodeServer('tell', [FIXTURE], { gateway: { sharing: 'per-session', maxSessions: 2, sessionIdleMs: 200 } });
}

let orch: TestOrchestrator | undefined;
let served: ServedGateway | undefined;
afterEach(async () => {
  await served?.close();
  await orch?.shutdown();
  orch = undefined;
  served = undefined;
});

const sessionMembers = () => orch!.statuses().filter((status) => status.sessionOf === 'tell');

describe('per-session servers', () => {
  it('gives each session its own process, refuses past maxSessions, and stops a process when its session is deleted', async () => {
    orch = bootOrchestrator([perSession()]);
    const started = orch.start();
    expect(started.notes.join('\n')).toContain('runs one process per client session');
    expect(orch.status('tell').state).toBe('stopped');
    served = await serveGateway(orch);
    const url = served.url('tell');

    const a = await connectClient(url, { name: 'a' });
    const b = await connectClient(url, { name: 'b' });
    expect(sessionMembers().map((status) => status.state)).toEqual(['running', 'running']);
    const [pidA, pidB] = sessionMembers().map((status) => status.pid!);
    expect(pidA).not.toBe(pidB);
    expect(orch.names().slice(0, 3)).toEqual(['tell', ...sessionMembers().map((status) => status.name)]);

    const echo = async (client: typeof a.client, message: string) =>
      ((await client.callTool({ name: 'echo', arguments: { message } })).content as { text: string }[])[0]!.text;
    expect(await echo(a.client, 'from a')).toBe('from a');
    expect(await echo(b.client, 'from b')).toBe('from b');
    expect(orch.gateway.sessionsOf('tell').map((session) => session.member).sort()).toEqual(sessionMembers().map((s) => s.name).sort());
    expect(orch.calls.summary('tell').find((row) => row.tool === 'echo')?.calls).toBe(2);

    const refused = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'c', version: '1' } } }),
    });
    expect(refused.status).toBe(503);
    expect(JSON.stringify(await refused.json())).toContain('gateway.maxSessions');

    await a.transport.terminateSession();
    await eventually(() => sessionMembers().length === 1);
    await eventually(() => !isAlive(pidA!));
    expect(await echo(b.client, 'still b')).toBe('still b');
    await b.client.close();
  });

  it('stops the process of a session idle past sessionIdleMs', async () => {
    orch = bootOrchestrator([perSession()]);
    served = await serveGateway(orch);
    const { client } = await connectClient(served.url('tell'));
    const pid = sessionMembers()[0]!.pid!;
    orch.gateway.closeIdle(Date.now() + 100);
    expect(sessionMembers()).toHaveLength(1);
    orch.gateway.closeIdle(Date.now() + 300);
    await eventually(() => sessionMembers().length === 0 && !isAlive(pid));
    expect(orch.gateway.sessionsOf('tell')).toEqual([]);
    await client.close();
  });
});
