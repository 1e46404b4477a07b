/** A real MCP server from the npm registry, supervised end to end: started, killed -9, back with a new pid. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/config/policy.js';
import { bootOrchestrator, FAST_POLICY, isAlive, type TestOrchestrator } from '../support/orchestrator.js';

const require = createRequire(import.meta.url);
const MEMORY_SERVER = require.resolve('@modelcontextprotocol/server-memory/dist/index.js');

let orch: TestOrchestrator | undefined;
let dir: string | undefined;
afterEach(async () => {
  await orch?.shutdown();
  orch = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('@modelcontextprotocol/server-memory', () => {
  it('reaches running, and after kill -9 comes back running with a new pid', async () => {
    dir = mkdtempSync(join(tmpdir(), 'orch-memory-'));
    orch = bootOrchestrator([
      {
        name: 'memory',
        command: process.execPath,
        args: [MEMORY_SERVER],
        env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') },
        cwd: undefined,
        disabled: false,
        dependsOn: [],
        policy: resolvePolicy(FAST_POLICY, { start: { timeoutMs: 15_000 } }),
      },
    ]);
    orch.start();
    const first = await orch.waitForState('memory', 'running', 20_000);
    expect(first.context.protocol?.serverInfo).toMatchObject({ name: 'memory-server' });
    const oldPid = first.context.pid!;

    process.kill(oldPid, 'SIGKILL');
    await orch.waitForTransition((t) => t.server === 'memory' && t.from === 'running' && t.to !== 'running');
    const again = await orch.waitForState('memory', 'running', 20_000);
    expect(again.context.pid).not.toBe(oldPid);
    expect(again.context.restarts).toBe(1);
    expect(again.context.lastExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(oldPid)).toBe(false);
  });
});
