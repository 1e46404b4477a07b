/** Many `orch start` at the same moment: one daemon, every command exits 0, one process per server. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOrch, sandboxPerTest, type Sandbox } from '../support/cli.js';
import { eventually, FIXTURE, isAlive } from '../support/orchestrator.js';

const STARTS = 12;
const SERVERS = ['alpha', 'beta', 'gamma'];

const newSandbox = sandboxPerTest();
let sandbox: Sandbox | undefined;

/** Pids whose command line holds every one of `parts`. */
function pidsWith(...parts: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (parts.every((part) => args.includes(part)) && isAlive(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

describe('concurrent orch start', () => {
  it(`${STARTS} at once: all exit 0, one daemon, one process per server`, { timeout: 120_000 }, async () => {
    sandbox = newSandbox();
    // A tag per server and sandbox finds exactly this test's processes in /proc.
    const tag = (name: string) => `--tag=${name}@${sandbox!.home}`;
    const config = sandbox.writeConfig({
      mcpServers: Object.fromEntries(SERVERS.map((name) => [name, { command: process.execPath, args: [FIXTURE, tag(name)] }])),
      orchestrator: { defaults: { stop: { graceMs: 200, killTimeoutMs: 1000 } } },
    });

    const results = await Promise.all(Array.from({ length: STARTS }, () => runOrch(['start', '--config', config], sandbox!.env, 90_000)));
    const failures = results.filter((r) => r.code !== 0).map((r) => `${r.code}: ${r.stderr}`);
    expect(failures).toEqual([]);
    expect(results.filter((r) => /orch daemon started/.test(r.stdout))).toHaveLength(1);
    for (const result of results) expect(result.stdout).toMatch(/alpha\s+● running/);

    const { pid } = JSON.parse(readFileSync(join(sandbox.home, 'daemon.json'), 'utf8')) as { pid: number };
    // The daemons that lost the lock are gone once they have noticed.
    await eventually(() => pidsWith('daemon', '--config', config).length === 1, 10_000, 'one daemon');
    expect(pidsWith('daemon', '--config', config)).toEqual([pid]);
    for (const name of SERVERS) expect(pidsWith(FIXTURE, tag(name)), name).toHaveLength(1);

    const shutdown = await runOrch(['shutdown'], sandbox.env);
    expect(shutdown.code, shutdown.stderr).toBe(0);
    for (const name of SERVERS) expect(pidsWith(FIXTURE, tag(name)), name).toEqual([]);
  });
});
