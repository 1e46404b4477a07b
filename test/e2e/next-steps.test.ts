/** What `orch monitor` and `orch start` tell a new user: one hint line once servers are up, progress while they start. */
import { describe, expect, it } from 'vitest';
import { exitOf, runOrch, sandboxPerTest, spawnOrch, waitForOutput } from '../support/cli.js';
import { FIXTURE } from '../support/orchestrator.js';

const newSandbox = sandboxPerTest();

describe('next steps', () => {
  it('monitor prints the hint once, after the started servers are running', async () => {
    const sandbox = newSandbox();
    const config = sandbox.writeConfig({
      mcpServers: {
        quick: { command: process.execPath, args: [FIXTURE] },
        slow: { command: process.execPath, args: [FIXTURE, '--init-delay=1500'] },
      },
    });
    // Wanted running, as after `orch start`: a fresh ORCH_HOME starts every server.
    const monitor = spawnOrch(['monitor', '--config', config], sandbox.env);
    try {
      await waitForOutput(monitor, /next: .*\n/);
      const output = monitor.output();
      const hint = output.indexOf('next: ');
      for (const up of [/slow\s+starting → running/, /quick\s+starting → running/]) {
        expect(output.search(up)).toBeGreaterThan(0);
        expect(output.search(up)).toBeLessThan(hint);
      }
      expect(output).toMatch(/next: orch status · orch logs -f quick · dashboard http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+ \(one-time link\) · Ctrl-C stops every server/);
      // Once: nothing repeats it as time goes on.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(monitor.output().match(/next: /g)).toHaveLength(1);
    } finally {
      monitor.kill('SIGINT');
      await exitOf(monitor);
    }
  }, 30_000);

  it('orch start names the servers still starting on stderr, then ends with the hint on stdout', async () => {
    const sandbox = newSandbox();
    const config = sandbox.writeConfig({
      mcpServers: { cold: { command: process.execPath, args: [FIXTURE, '--init-delay=4000'] } },
    });
    const result = await runOrch(['start', '--config', config], sandbox.env);
    expect(result.code, result.stderr).toBe(0);
    const progress = result.stderr.match(/^orch: still starting cold \(\d+ s\)$/gm) ?? [];
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(result.stdout).not.toMatch(/still starting/);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('next: orch status · orch logs -f cold · orch dashboard · orch stop to stop');
  }, 30_000);
});
