/**
 * A daemon's worth of idle fixture servers for the benchmarks: a temporary ORCH_HOME, a config of
 * `count` servers, and the compiled bin to drive them with, as a user would. `benchHome` does the
 * same for any servers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/orch.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/mcp-server.mjs', import.meta.url));

export function benchFleet(count: number, args: string[] = []) {
  const mcpServers = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`server-${String(i).padStart(3, '0')}`, { command: process.execPath, args: [FIXTURE, ...args] }]),
  );
  // 100 node servers starting at once on two cores take longer than the default start timeout allows.
  return benchHome(mcpServers, { start: { timeoutMs: 120_000 } });
}

/** A temporary ORCH_HOME and a config of these servers under these policy defaults, for any benchmark's daemon. */
export function benchHome(mcpServers: Record<string, { command: string; args: string[] }>, defaults: object = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bench-'));
  const env = { ...process.env, ORCH_HOME: join(dir, 'home'), ORCH_PORT: '0', NO_COLOR: '1' };
  const config = join(dir, 'mcp.json');
  writeFileSync(config, JSON.stringify({ mcpServers, orchestrator: { defaults } }));
  const orch = (...args: string[]) => run(process.execPath, [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  return {
    env,
    config,
    orch,
    home: env.ORCH_HOME,
    daemonPid: () => (JSON.parse(readFileSync(join(env.ORCH_HOME, 'daemon.json'), 'utf8')) as { pid: number }).pid,
    async close() {
      await orch('shutdown').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
