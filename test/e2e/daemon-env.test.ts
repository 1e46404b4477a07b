/** The daemon runs with variables of its own (one malloc arena); its servers never inherit them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runOrch, sandboxPerTest } from '../support/cli.js';
import { FIXTURE } from '../support/orchestrator.js';

const newSandbox = sandboxPerTest();

/** A process's environment as it was exec'd. */
const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);

it.runIf(process.platform === 'linux')('the launched daemon has one malloc arena; a server it starts has the user’s environment only', async () => {
  const sandbox = newSandbox();
  const config = sandbox.writeConfig({ mcpServers: { alpha: { command: process.execPath, args: [FIXTURE] } } });
  const started = await runOrch(['start', '--config', config], sandbox.env);
  expect(started.code, started.stderr).toBe(0);
  const status = await runOrch(['status', '--json'], sandbox.env);
  const server = (JSON.parse(status.stdout) as { servers: { pid: number }[] }).servers[0]!;
  const daemon = JSON.parse(readFileSync(join(sandbox.home, 'daemon.json'), 'utf8')) as { pid: number };

  expect(environOf(daemon.pid)).toContain('MALLOC_ARENA_MAX=1');
  expect(environOf(server.pid).filter((entry) => /^(MALLOC_ARENA_MAX|ORCH_DAEMON_ENV)=/.test(entry))).toEqual([]);
});
