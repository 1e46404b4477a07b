/** `orch serve --server NAME`, a container's entrypoint: probes, the endpoint, JSON logs, SIGTERM. */
import { afterEach, describe, expect, it } from 'vitest';
import { connectDaemonless } from '../support/serve.js';
import { createSandbox, exitOf, spawnOrch, waitForOutput, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

let sandbox: Sandbox | undefined;
afterEach(() => {
  sandbox?.remove();
  sandbox = undefined;
});

describe('orch serve', () => {
  it('is ready only while the server runs, lives throughout, logs JSON and leaves nothing behind on SIGTERM', async () => {
    sandbox = createSandbox();
    const config = sandbox.writeConfig({
      mcpServers: { slow: { command: process.execPath, args: [FIXTURE, '--init-delay=700'] } },
      orchestrator: { defaults: { health: { intervalMs: 300, timeoutMs: 200, failureThreshold: 1 }, restart: { backoffMs: 200 } } },
    });
    const serve = spawnOrch(['serve', '--server', 'slow', '--config', config], { ...sandbox.env, ORCH_TOKEN: 'k8s-token' });
    const [, port] = (await waitForOutput(serve, /"type":"listening".*"port":(\d+)/))!;
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    const get = (path: string, headers: Record<string, string> = {}) => fetch(url(path), { headers });

    const early = await get('/readyz');
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ ready: false, server: 'slow', state: 'starting' });
    expect((await get('/livez')).status).toBe(200);
    await eventually(async () => (await get('/readyz')).status === 200, 10_000);

    expect((await get('/metrics')).status).toBe(401);
    const metrics = await get('/metrics', { authorization: 'Bearer k8s-token' });
    expect(await metrics.text()).toContain('orch_server_up{server="slow"} 1');
    const client = await connectDaemonless(url('/mcp/slow'), 'k8s-token');
    await client.ping();
    await client.close();

    const pid = Number(/spawned .* \(pid (\d+)\)/.exec(serve.output())![1]);
    process.kill(pid, 'SIGKILL');
    await eventually(async () => (await get('/readyz')).status === 503, 1_000);
    expect((await get('/livez')).status).toBe(200);
    await eventually(async () => (await get('/readyz')).status === 200, 10_000);

    const lines = serve.output().trim().split('\n');
    const records = lines.map((line) => JSON.parse(line) as { type: string });
    expect([...new Set(records.map((record) => record.type))].sort()).toEqual(['listening', 'log', 'transition']);
    expect(records).toContainEqual(expect.objectContaining({ type: 'transition', server: 'slow', from: 'starting', to: 'running' }));

    const newPid = Number([...serve.output().matchAll(/spawned .* \(pid (\d+)\)/g)].at(-1)![1]);
    serve.kill('SIGTERM');
    expect(await exitOf(serve)).toBe(0);
    expect(isAlive(newPid)).toBe(false);
    expect(serve.output()).toContain('"message":"SIGTERM: stopping slow"');
  });

  it('refuses to listen beyond loopback without a given token and an origin allowlist', async () => {
    sandbox = createSandbox();
    const config = sandbox.writeConfig({ mcpServers: { one: { command: process.execPath, args: [FIXTURE] } } });
    const bare = spawnOrch(['serve', '--server', 'one', '--config', config, '--host', '0.0.0.0'], sandbox.env);
    expect(await exitOf(bare)).not.toBe(0);
    expect(bare.output()).toContain('give the token with ORCH_TOKEN or --token-file');
    const noOrigins = spawnOrch(['serve', '--server', 'one', '--config', config, '--host', '0.0.0.0'], { ...sandbox.env, ORCH_TOKEN: 't' });
    expect(await exitOf(noOrigins)).not.toBe(0);
    expect(noOrigins.output()).toContain('--allow-origin');
  });
});
