/** A reader that goes away (`orch status | head -c1`) ends the CLI quietly: no EPIPE stack, the usual exit code. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, runOrch, type CliResult, type Sandbox } from '../support/cli.js';
import { FIXTURE } from '../support/orchestrator.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));

let sandbox: Sandbox;
let config: string;
beforeAll(() => {
  sandbox = createSandbox();
  config = sandbox.writeConfig({
    mcpServers: {
      alpha: { command: process.execPath, args: [FIXTURE, '--stderr-every=50'] },
      beta: { command: process.execPath, args: [FIXTURE] },
    },
  });
});
afterAll(async () => {
  await runOrch(['shutdown'], sandbox.env);
  sandbox.remove();
});

/** `orch ARGS | READER` in bash: orch's exit code and its stderr (the reader's output is discarded). */
function pipeInto(reader: string, args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const script = `"$@" 2>"$ORCH_STDERR" | ${reader} >/dev/null; code=\${PIPESTATUS[0]}; cat "$ORCH_STDERR"; exit $code`;
    const stderrFile = `${sandbox.home}.stderr`;
    const child = spawn('bash', ['-c', script, 'orch', process.execPath, '--import', 'tsx', BIN, ...args], {
      cwd: ROOT,
      env: { ...sandbox.env, ORCH_STDERR: stderrFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`orch ${args.join(' ')} | ${reader} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: '', stderr });
    });
  });
}

describe('a closed stdout', () => {
  it('orch start … | head -1 starts the servers and exits 0 without a word on stderr', async () => {
    const result = await pipeInto('head -1', ['start', '--config', config]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const status = await runOrch(['status', '--json'], sandbox.env);
    expect(JSON.parse(status.stdout).servers.map((s: { state: string }) => s.state)).toEqual(['running', 'running']);
  });

  it('orch status | head -c1 and | true (closed before orch writes) exit 0 quietly', async () => {
    for (const reader of ['head -c1', 'true']) {
      const result = await pipeInto(reader, ['status']);
      expect(result.stderr, reader).toBe('');
      expect(result.code, reader).toBe(0);
    }
  });

  it('orch logs -f | head -1 ends once the reader is gone', async () => {
    const result = await pipeInto('head -1', ['logs', 'alpha', '-f']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
